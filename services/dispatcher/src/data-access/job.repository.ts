// Delivery jobs and their attempts. The claim is a single conditional UPDATE, so at most one consumer
// owns an attempt; recording attempts is one transaction with the jobs, integrations and events they
// change. The hot statements are hand-written SQL that do for a whole batch in one round trip what
// would otherwise take several per job (on a loaded machine every round trip costs a context switch on
// both ends); BatchedJobStore gathers the batches. The three that join a batch to delivery_jobs are
// planned on every call (planEachCall, see libs/db prepared.ts): a plan settled while the table was
// young scanned all of it.
//
// The claim accepts attempt N when the job has made N-1 attempts and nobody is delivering it: a fresh
// job (pending, 0), a job waiting for its retry (retrying, N-1), or a parked job that the management
// service released (it sets status back to pending/retrying and publishes attempt_count + 1).
import { PreparedQueries, prepared, toDeliveryAttempt, toDeliveryJob, type DeliveryAttemptRow, type DeliveryJobRow, type Knex, type StatementRunner } from '@hookway/db';
import {
  CLAIMABLE_JOB_STATUSES, claimRuleSql, fromStatuses, JOB_STATUSES, jobMessage, OPEN_JOB_STATUSES, soleStatus, sqlStatusList, toStatuses, type IntegrationState, type JobMessage,
} from '@hookway/contracts';
import type {
  AttemptRecord, AttemptSummary, ClaimedJob, DispatchJob, DispatchRequest, JobCompletion, JobRecord, RecordOutcome,
} from '../domain/ports.js';
import { JOINED_EVENT_COLUMNS, REFRESH_EVENT_STATUSES, sortedUnique, toJoinedEvent, type JoinedEventRow } from './event.repository.js';
import { DELIVERY_TARGET_COLUMNS, toDeliveryTarget, type DeliveryTargetRow } from './integration.repository.js';

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

// What a delivery reads of its job.
const JOB_RECORD_COLUMNS = [
  'id', 'event_id', 'integration_id', 'replay_request_id', 'status', 'attempt_count', 'max_attempts', 'last_status_code',
  'last_error', 'next_attempt_at', 'completed_at', 'order_key',
] as const;
type JobRow = Pick<DeliveryJobRow, (typeof JOB_RECORD_COLUMNS)[number]>;

const toJob = (row: JobRow): JobRecord => toDeliveryJob(row, JOB_RECORD_COLUMNS);

const ATTEMPT_SUMMARY_COLUMNS = ['attempt_number', 'status_code', 'latency_ms', 'error_code'] as const;
type AttemptRow = Pick<DeliveryAttemptRow, (typeof ATTEMPT_SUMMARY_COLUMNS)[number]>;

// The statuses of the steps this repository owns in the job lifecycle (libs/contracts job-lifecycle.ts).
const OPEN = sqlStatusList(OPEN_JOB_STATUSES);
const WAITING = soleStatus(fromStatuses('releaseWaiting'));
const RELEASED = soleStatus(toStatuses('releaseWaiting'));
const CLAIMED = soleStatus(toStatuses('claim'));
const PARKED = soleStatus(toStatuses('park'));
const PARKABLE = soleStatus(fromStatuses('park'));
const UNCLAIMABLE = sqlStatusList(JOB_STATUSES.filter((status) => !CLAIMABLE_JOB_STATUSES.includes(status)));

// One statement for the fan-out of many dispatches: each wanted (dispatch, integration) pair gets a job
// unless it has one, and every job of the dispatches comes back, those of an earlier run included.
// Rows inserted by a statement are invisible to its own reads, so the new jobs come from RETURNING and
// the earlier ones from the SELECT. Inserting in key order keeps concurrent fan-outs from deadlocking.
//
// The same statement moves each event dispatched for the first time out of `pending`, which spares a
// status roll-up per event (hookway_refresh_event_status, a function call with three queries): its jobs
// were created but none was published yet, so `processing` is what the roll-up would say, or `processed`
// when it has no job at all (nothing subscribes; "has a job" also counts an earlier run's, which the
// statement's snapshot sees). An event no longer `pending` was rolled up by a delivery already: left alone.
// The rows are locked in id order, as every other writer of several events locks them.
//
// A job of an ordered integration ($9 order_key, $10 order_seq set) joins its subject's line: it may go
// (pending) only when no job of the subject is open and none waits ahead of it, and it is the first of the
// subject among the batch's new jobs; otherwise it waits (no message, see RELEASE_NEXT). The caller holds
// the subjects' locks (LOCK_SUBJECTS), so the line this statement reads cannot change under it.
const CREATE_FOR_DISPATCHES = prepared('dispatcher_create_jobs', `
  WITH wanted AS (
    SELECT w.*, row_number() OVER (PARTITION BY w.integration_id, w.order_key ORDER BY w.order_seq, w.event_id) AS place
      FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $9::text[], $10::bigint[])
        AS w(event_id, replay_request_id, integration_id, order_key, order_seq)
     WHERE w.order_key IS NULL
        OR NOT EXISTS (SELECT 1 FROM delivery_jobs x
                        WHERE x.event_id = w.event_id AND x.integration_id = w.integration_id
                          AND COALESCE(x.replay_request_id, '${NIL_UUID}'::uuid) = COALESCE(w.replay_request_id, '${NIL_UUID}'::uuid))
  ),
  created AS (
    INSERT INTO delivery_jobs (event_id, integration_id, replay_request_id, status, attempt_count, max_attempts, order_key, order_seq)
    SELECT wanted.event_id, wanted.integration_id, wanted.replay_request_id,
           CASE WHEN wanted.order_key IS NULL THEN 'pending'
                WHEN wanted.place = 1 AND NOT EXISTS (
                  SELECT 1 FROM delivery_jobs o
                   WHERE o.integration_id = wanted.integration_id AND o.order_key = wanted.order_key AND o.order_key IS NOT NULL
                     AND (o.status IN (${OPEN})
                          OR (o.status = '${WAITING}' AND o.order_seq < wanted.order_seq))) THEN '${RELEASED}'
                ELSE '${WAITING}' END,
           0, $1::integer, wanted.order_key, wanted.order_seq
      FROM wanted
     ORDER BY wanted.event_id, wanted.integration_id, COALESCE(wanted.replay_request_id, '${NIL_UUID}'::uuid)
    ON CONFLICT (event_id, integration_id, COALESCE(replay_request_id, '${NIL_UUID}'::uuid)) DO NOTHING
    RETURNING id, event_id, replay_request_id, integration_id, status = 'pending' AS unpublished
  ),
  first_dispatched AS (
    UPDATE events e
       SET status = CASE WHEN pending.subscribed OR EXISTS (SELECT 1 FROM delivery_jobs j WHERE j.event_id = pending.id)
                         THEN 'processing' ELSE 'processed' END,
           updated_at = now()
      FROM (SELECT ev.id, f.subscribed
              FROM events ev JOIN unnest($7::uuid[], $8::boolean[]) AS f(event_id, subscribed) ON f.event_id = ev.id
             WHERE ev.status = 'pending'
             ORDER BY ev.id
               FOR NO KEY UPDATE OF ev) pending
     WHERE e.id = pending.id
  )
  SELECT id, event_id, replay_request_id, integration_id, unpublished FROM created
  UNION ALL
  SELECT j.id, j.event_id, j.replay_request_id, j.integration_id, (j.status = 'pending' AND j.attempt_count = 0)
    FROM unnest($5::uuid[], $6::uuid[]) AS d(event_id, replay_request_id)
    JOIN delivery_jobs j
      ON j.event_id = d.event_id
     AND COALESCE(j.replay_request_id, '${NIL_UUID}'::uuid) = COALESCE(d.replay_request_id, '${NIL_UUID}'::uuid)`, { planEachCall: true });

// A consumer that died mid-delivery leaves 'delivering' behind: only RabbitMQ's redelivery of that
// same message may take it over, never a second published copy running concurrently. One statement
// claims the jobs of many messages; the event and the delivery target come back with each claim.
// When two messages of one job meet in a batch, the UPDATE takes at most one of them (the caller
// decides which one owns the claim, see claimMany). The jobs are locked in id order first (the ARRAY()
// sub-select runs to completion before the UPDATE scans), as management's release of parked jobs locks
// them, so the two cannot deadlock.
const CLAIM_JOBS = prepared('dispatcher_claim_jobs', `
  WITH wanted AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::integer[], $5::boolean[])
      AS m(job_id, event_id, integration_id, attempt, redelivered)
  ),
  claimed AS (
    UPDATE delivery_jobs j
       SET status = '${CLAIMED}', attempt_count = m.attempt, updated_at = now()
      FROM wanted m
     WHERE j.id = m.job_id
       AND j.id = ANY(ARRAY(SELECT l.id FROM delivery_jobs l
                             WHERE l.id = ANY($1::uuid[]) AND l.status NOT IN (${UNCLAIMABLE})
                             ORDER BY l.id
                               FOR NO KEY UPDATE))
       AND j.event_id = m.event_id
       AND j.integration_id = m.integration_id
       AND ${claimRuleSql('j', 'm.attempt', 'm.redelivered')}
     RETURNING j.*
  )
  SELECT c.*, ${JOINED_EVENT_COLUMNS}, ${DELIVERY_TARGET_COLUMNS}
    FROM claimed c
    LEFT JOIN events e ON e.id = c.event_id
    LEFT JOIN integrations i ON i.id = c.integration_id`, { planEachCall: true });

// Many jobs' new states, their attempts (only for the jobs still ours) and the successes' resets of
// their integrations' streaks, in one statement. Data-modifying CTEs always run to completion.
const RECORD_ATTEMPTS = prepared('dispatcher_record_attempts', `
  WITH m AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::integer[], $7::timestamptz[],
                         $8::integer[], $9::text[], $10::integer[], $11::integer[], $12::text[], $13::jsonb[], $14::jsonb[],
                         $15::text[], $16::text[], $17::text[])
      AS m(job_id, event_id, integration_id, job_status, last_error, last_status_code, next_attempt_at,
           attempt_number, attempt_status, status_code, latency_ms, request_url, request_headers, response_headers,
           response_body, error_code, error_message)
  ),
  updated AS (
    UPDATE delivery_jobs j
       SET status = m.job_status, last_error = m.last_error, last_status_code = m.last_status_code,
           next_attempt_at = m.next_attempt_at,
           -- now() of this transaction, like a disabled integration's updated_at: disabledByJob relies on it.
           completed_at = CASE WHEN m.job_status = 'retrying' THEN NULL ELSE now() END,
           updated_at = now()
      FROM m
     WHERE j.id = m.job_id AND j.status = '${CLAIMED}' AND j.attempt_count = m.attempt_number
     RETURNING j.id, j.attempt_count
  ),
  attempt AS (
    INSERT INTO delivery_attempts (job_id, event_id, integration_id, attempt_number, status, status_code, latency_ms,
                                   request_url, request_headers, response_headers, response_body, error_code, error_message)
    SELECT m.job_id, m.event_id, m.integration_id, m.attempt_number, m.attempt_status, m.status_code, m.latency_ms,
           m.request_url, m.request_headers, m.response_headers, m.response_body, m.error_code, m.error_message
      FROM m JOIN updated u ON u.id = m.job_id AND u.attempt_count = m.attempt_number
  ),
  streak_reset AS (
    UPDATE integrations SET consecutive_failures = 0
     WHERE consecutive_failures <> 0
       AND id IN (SELECT m.integration_id FROM m JOIN updated u ON u.id = m.job_id AND u.attempt_count = m.attempt_number
                   WHERE m.job_status = 'succeeded')
  )
  SELECT id AS job_id, attempt_count FROM updated`, { planEachCall: true });

// Before a batch changes integrations' streaks, it locks the rows it may change in id order: a
// success resets a non-zero streak, a dead job extends one. Two batches then cannot each hold one
// integration while waiting for the other's.
const LOCK_STREAKS = prepared('dispatcher_lock_streaks', `
  SELECT id FROM integrations
   WHERE id = ANY($1::uuid[]) AND (consecutive_failures <> 0 OR id = ANY($2::uuid[]))
   ORDER BY id
     FOR NO KEY UPDATE`);

const EXTEND_STREAK = prepared('dispatcher_extend_streak', `
  UPDATE integrations SET consecutive_failures = consecutive_failures + 1 WHERE id = $1::uuid
  RETURNING consecutive_failures, state`);

const DISABLE_INTEGRATION = prepared('dispatcher_disable_integration', `
  UPDATE integrations SET state = 'disabled', disabled_reason = $2::text, updated_at = now() WHERE id = $1::uuid`);

// The subjects' locks, taken before anything of their lines is read or changed, in one order (of their
// hashes: a collision only makes two subjects wait for each other) by every writer of a line: fan-out,
// the recording of the attempts that end jobs, and the sweeper.
export const LOCK_SUBJECTS = prepared('dispatcher_lock_subjects', `
  SELECT count(*) AS locked
    FROM (SELECT pg_advisory_xact_lock(s.lock_id)
            FROM (SELECT DISTINCT hashtextextended(t.integration_id::text || '/' || t.order_key, 0) AS lock_id
                    FROM unnest($1::uuid[], $2::text[]) AS t(integration_id, order_key)
                   ORDER BY 1) s) l`);

// The next job of each subject whose open job just ended ($3: it died) goes: the waiting job earliest in
// ingress order becomes pending, and its first message is published after the commit. A dead job lets it
// go only when its integration skips (or no longer orders); with 'block' the subject waits for the dead
// event's replay. A subject that still has an open job (a replay ahead of it, say) keeps its line.
export const RELEASE_NEXT = prepared('dispatcher_release_next', `
  UPDATE delivery_jobs j SET status = '${RELEASED}', updated_at = now()
    FROM (SELECT DISTINCT ON (w.integration_id, w.order_key) w.id
            FROM unnest($1::uuid[], $2::text[], $3::boolean[]) AS s(integration_id, order_key, after_dead)
            JOIN integrations i ON i.id = s.integration_id
            JOIN delivery_jobs w ON w.integration_id = s.integration_id AND w.order_key = s.order_key
                                AND w.order_key IS NOT NULL AND w.status = '${WAITING}'
           WHERE (NOT s.after_dead OR i.ordering_on_dead = 'skip' OR i.ordering IS NULL)
             AND NOT EXISTS (SELECT 1 FROM delivery_jobs o
                              WHERE o.integration_id = s.integration_id AND o.order_key = s.order_key AND o.order_key IS NOT NULL
                                AND o.status IN (${OPEN}))
           ORDER BY w.integration_id, w.order_key, w.order_seq, w.id) nxt
   WHERE j.id = nxt.id
  RETURNING j.id, j.event_id, j.integration_id, j.order_key`);

const SUBJECT_HEAD = prepared('dispatcher_subject_head', `
  SELECT id, event_id, integration_id FROM delivery_jobs
   WHERE integration_id = $1::uuid AND order_key = $2::text AND order_key IS NOT NULL
     AND status = 'pending' AND attempt_count = 0
   ORDER BY order_seq, id
   LIMIT 1`);

const PARK = prepared('dispatcher_park_job', `
  UPDATE delivery_jobs SET status = '${PARKED}', attempt_count = attempt_count - 1, updated_at = now()
   WHERE id = $1::uuid AND status = '${PARKABLE}'
  RETURNING event_id`);

/** One attempt to record, with what its job becomes; see JobStore.recordAttempt. */
export interface AttemptEntry {
  attempt: AttemptRecord;
  completion: JobCompletion;
  disableReasonFor: (consecutiveFailedJobs: number) => string | null;
}

export class JobRepository {
  private readonly sql: PreparedQueries;

  constructor(private readonly db: Knex) {
    this.sql = new PreparedQueries(db);
  }

  /**
   * Creates each dispatch's job for each of its integrations that has none yet (idempotent), and
   * returns every job of the dispatches, those created by an earlier run included.
   */
  async createForDispatches(dispatches: readonly DispatchRequest[], maxAttempts: number): Promise<DispatchJob[]> {
    const wanted = dispatches.flatMap(({ dispatch, integrationIds, ordered }) =>
      integrationIds.map((integrationId) => ({
        ...dispatch,
        integrationId,
        ...(ordered?.integrationIds.includes(integrationId) ? { orderKey: ordered.subject, orderSeq: ordered.seq } : {}),
      })));
    const firstDispatches = dispatches.filter(({ dispatch }) => dispatch.replayRequestId === null);
    const subjects = wanted.filter((pair) => pair.orderKey !== undefined);
    const create = (sql: StatementRunner) => sql.query<{
      id: string; event_id: string; replay_request_id: string | null; integration_id: string; unpublished: boolean;
    }>(CREATE_FOR_DISPATCHES, [
      maxAttempts,
      wanted.map((pair) => pair.eventId),
      wanted.map((pair) => pair.replayRequestId),
      wanted.map((pair) => pair.integrationId),
      dispatches.map(({ dispatch }) => dispatch.eventId),
      dispatches.map(({ dispatch }) => dispatch.replayRequestId),
      firstDispatches.map(({ dispatch }) => dispatch.eventId),
      firstDispatches.map(({ integrationIds }) => integrationIds.length > 0),
      wanted.map((pair) => pair.orderKey ?? null),
      wanted.map((pair) => pair.orderSeq ?? null),
    ]);
    // Ordered jobs join their subjects' lines under the subjects' locks; the rest need no transaction.
    const rows = subjects.length === 0 ? await create(this.sql) : await this.sql.transaction(async (tx) => {
      await tx.query(LOCK_SUBJECTS, [subjects.map((pair) => pair.integrationId), subjects.map((pair) => pair.orderKey)]);
      return create(tx);
    });
    return rows.map((row) => ({
      id: row.id, eventId: row.event_id, replayRequestId: row.replay_request_id, integrationId: row.integration_id,
      unpublished: row.unpublished,
    }));
  }

  /** The claims of many messages, in their order (see JobStore.claim). */
  async claimMany(claims: ReadonlyArray<{ message: JobMessage; redelivered: boolean }>): Promise<Array<ClaimedJob | undefined>> {
    const rows = await this.sql.query<JobRow & JoinedEventRow & DeliveryTargetRow>(CLAIM_JOBS, [
      claims.map(({ message }) => message.jobId),
      claims.map(({ message }) => message.eventId),
      claims.map(({ message }) => message.integrationId),
      claims.map(({ message }) => message.attempt),
      claims.map(({ redelivered }) => redelivered),
    ]);
    const byJob = new Map(rows.map((row) => [row.id, row]));
    // A job claimed once is handed to one message only: the first of the batch that asked for its attempt.
    return claims.map(({ message }) => {
      const row = byJob.get(message.jobId);
      if (!row || row.attempt_count !== message.attempt) return undefined;
      byJob.delete(message.jobId);
      return { job: toJob(row), event: toJoinedEvent(row), target: toDeliveryTarget(row) };
    });
  }

  async findById(jobId: string): Promise<JobRecord | undefined> {
    const row = await this.db<JobRow>('delivery_jobs').where({ id: jobId }).first();
    return row ? toJob(row) : undefined;
  }

  async lastAttempt(jobId: string): Promise<AttemptSummary | undefined> {
    const row = (await this.db('delivery_attempts')
      .select(ATTEMPT_SUMMARY_COLUMNS)
      .where('job_id', jobId)
      .orderBy('attempt_number', 'desc')
      .first()) as AttemptRow | undefined;
    return row && toDeliveryAttempt(row, ATTEMPT_SUMMARY_COLUMNS);
  }

  async subjectHead(integrationId: string, orderKey: string): Promise<JobMessage | undefined> {
    const [row] = await this.sql.query<{ id: string; event_id: string; integration_id: string }>(SUBJECT_HEAD, [integrationId, orderKey]);
    return row ? jobMessage({ jobId: row.id, eventId: row.event_id, integrationId: row.integration_id }, 1) : undefined;
  }

  async park(jobId: string): Promise<void> {
    await this.sql.transaction(async (tx) => {
      const [parked] = await tx.query<Pick<JobRow, 'event_id'>>(PARK, [jobId]);
      if (parked) await tx.query(REFRESH_EVENT_STATUSES, [[parked.event_id]]);
    });
  }

  /** Records many attempts in one transaction (see JobStore.recordAttempt); one outcome per entry, in their order. */
  async recordMany(entries: readonly AttemptEntry[]): Promise<RecordOutcome[]> {
    // An attempt is identified by its job and number: a stale entry (an attempt whose claim a redelivered
    // copy took over) must not hide the live one of the same job.
    const keyOf = (jobId: string, attemptNumber: number): string => `${jobId}/${attemptNumber}`;
    const byKey = new Map<string, AttemptEntry>();
    for (const entry of entries) {
      const key = keyOf(entry.attempt.jobId, entry.attempt.attemptNumber);
      if (!byKey.has(key)) byKey.set(key, entry);
    }
    const unique = [...byKey.values()];
    const column = <T>(pick: (entry: AttemptEntry) => T): T[] => unique.map(pick);
    const streakChanges = unique.filter((entry) => entry.completion.status === 'succeeded' || entry.completion.status === 'dead');
    const streakIntegrations = sortedUnique(streakChanges.map((entry) => entry.attempt.integrationId));
    // An ordered job that ends lets the next one of its subject go: its subject's lock comes first of all.
    const endingInLine = streakChanges.filter((entry) => entry.attempt.orderKey !== null);

    return this.sql.transaction(async (tx): Promise<RecordOutcome[]> => {
      if (endingInLine.length > 0) {
        await tx.query(LOCK_SUBJECTS, [endingInLine.map((entry) => entry.attempt.integrationId), endingInLine.map((entry) => entry.attempt.orderKey)]);
      }
      // Integrations are locked in id order before anything changes them, so concurrent batches cannot
      // deadlock on them (a batch that touches one integration cannot close a cycle).
      if (streakIntegrations.length > 1) {
        await tx.query(LOCK_STREAKS, [
          streakIntegrations,
          streakChanges.filter((entry) => entry.completion.status === 'dead').map((entry) => entry.attempt.integrationId),
        ]);
      }
      const recordedRows = await tx.query<{ job_id: string; attempt_count: number }>(RECORD_ATTEMPTS, [
        column(({ attempt }) => attempt.jobId),
        column(({ attempt }) => attempt.eventId),
        column(({ attempt }) => attempt.integrationId),
        column(({ completion }) => completion.status),
        column(({ completion }) => completion.lastError),
        column(({ completion }) => completion.lastStatusCode),
        column(({ completion }) => (completion.status === 'retrying' ? completion.nextAttemptAt : null)),
        column(({ attempt }) => attempt.attemptNumber),
        column(({ attempt }) => attempt.status),
        column(({ attempt }) => attempt.statusCode),
        column(({ attempt }) => attempt.latencyMs),
        column(({ attempt }) => attempt.requestUrl),
        column(({ attempt }) => JSON.stringify(attempt.requestHeaders)),
        column(({ attempt }) => (attempt.responseHeaders === null ? null : JSON.stringify(attempt.responseHeaders))),
        column(({ attempt }) => attempt.responseBody),
        column(({ attempt }) => attempt.errorCode),
        column(({ attempt }) => attempt.errorMessage),
      ]);
      const recorded = new Set(recordedRows.map((row) => keyOf(row.job_id, row.attempt_count)));
      const wasRecorded = (entry: AttemptEntry): boolean => recorded.has(keyOf(entry.attempt.jobId, entry.attempt.attemptNumber));

      // The circuit breaker counts failed JOBS, not attempts: a success resets the streak (above), a
      // dead job extends it, and a failed attempt that will be retried leaves it alone.
      const disabled = new Map<AttemptEntry, string>();
      const dead = unique
        .filter((entry) => entry.completion.status === 'dead' && wasRecorded(entry))
        .sort((a, b) => compare(a.attempt.integrationId, b.attempt.integrationId));
      for (const entry of dead) {
        const { attempt, disableReasonFor } = entry;
        const [integration] = await tx.query<{ consecutive_failures: number; state: IntegrationState }>(EXTEND_STREAK, [attempt.integrationId]);
        const reason = integration ? disableReasonFor(integration.consecutive_failures) : null;
        if (integration && reason !== null && integration.state !== 'disabled') {
          await tx.query(DISABLE_INTEGRATION, [attempt.integrationId, reason]);
          disabled.set(entry, reason);
        }
      }
      const eventIds = unique.filter(wasRecorded).map((entry) => entry.attempt.eventId);
      if (eventIds.length > 0) await tx.query(REFRESH_EVENT_STATUSES, [sortedUnique(eventIds)]);

      const ended = endingInLine.filter(wasRecorded);
      const released = new Map<string, JobMessage[]>();
      if (ended.length > 0) {
        const rows = await tx.query<{ id: string; event_id: string; integration_id: string; order_key: string }>(RELEASE_NEXT, [
          ended.map((entry) => entry.attempt.integrationId),
          ended.map((entry) => entry.attempt.orderKey),
          ended.map((entry) => entry.completion.status === 'dead'),
        ]);
        // Each release is published by the entry whose job ended in that subject.
        const subjectOf = (integrationId: string, orderKey: string | null): string => `${integrationId}/${orderKey ?? ''}`;
        const enderOf = new Map(ended.map((entry) => [subjectOf(entry.attempt.integrationId, entry.attempt.orderKey), entry]));
        for (const row of rows) {
          const ender = enderOf.get(subjectOf(row.integration_id, row.order_key));
          if (!ender) continue;
          const key = keyOf(ender.attempt.jobId, ender.attempt.attemptNumber);
          released.set(key, [...(released.get(key) ?? []), jobMessage({ jobId: row.id, eventId: row.event_id, integrationId: row.integration_id }, 1)]);
        }
      }

      // Only the first entry of an attempt can have been recorded; a repeat finds it no longer ours.
      return entries.map((entry): RecordOutcome => {
        const first = byKey.get(keyOf(entry.attempt.jobId, entry.attempt.attemptNumber));
        if (first !== entry || !wasRecorded(entry)) return { recorded: false };
        return {
          recorded: true,
          disabledReason: disabled.get(entry) ?? null,
          released: released.get(keyOf(entry.attempt.jobId, entry.attempt.attemptNumber)) ?? [],
        };
      });
    });
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
