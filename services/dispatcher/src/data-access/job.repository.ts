// Delivery jobs and their attempts. The claim is a single conditional UPDATE, so at most one consumer
// owns an attempt; recording attempts is one transaction with the jobs, integrations and events they
// change. The hot statements are hand-written SQL that do for a whole batch in one round trip what
// would otherwise take several per job (on a loaded machine every round trip costs a context switch on
// both ends); BatchedJobStore gathers the batches. The statements that change jobs are libs/db's
// (job-statements.ts, one owner for the job lifecycle); this repository runs them in their transactions,
// with their locks. The three that join a batch to delivery_jobs are planned on every call (planEachCall,
// see libs/db prepared.ts): a plan settled while the table was young scanned all of it.
//
// The claim accepts attempt N when the job has made N-1 attempts and nobody is delivering it: a fresh
// job (pending, 0), a job waiting for its retry (retrying, N-1), or a parked job that the management
// service released (it sets status back to pending/retrying and publishes attempt_count + 1).
import {
  claimJobsStatement, createJobsStatement, PARK_JOB, PreparedQueries, prepared, RECORD_ATTEMPTS, RELEASE_NEXT, toDeliveryAttempt, toDeliveryJob,
  type DeliveryAttemptRow, type DeliveryJobRow, type Knex, type StatementRunner,
} from '@hookway/db';
import { jobMessage, type IntegrationState, type JobMessage } from '@hookway/contracts';
import type {
  AttemptRecord, AttemptSummary, ClaimedJob, DispatchJob, DispatchRequest, JobCompletion, JobRecord, RecordOutcome,
} from '../domain/ports.js';
import { JOINED_EVENT_COLUMNS, REFRESH_EVENT_STATUSES, sortedUnique, toJoinedEvent, type JoinedEventRow } from './event.repository.js';
import { DELIVERY_TARGET_COLUMNS, toDeliveryTarget, type DeliveryTargetRow } from './integration.repository.js';

// What a delivery reads of its job.
const JOB_RECORD_COLUMNS = [
  'id', 'event_id', 'integration_id', 'replay_request_id', 'status', 'attempt_count', 'max_attempts', 'last_status_code',
  'last_error', 'next_attempt_at', 'completed_at', 'order_key',
] as const;
type JobRow = Pick<DeliveryJobRow, (typeof JOB_RECORD_COLUMNS)[number]>;

const toJob = (row: JobRow): JobRecord => toDeliveryJob(row, JOB_RECORD_COLUMNS);

const ATTEMPT_SUMMARY_COLUMNS = ['attempt_number', 'status_code', 'latency_ms', 'error_code'] as const;
type AttemptRow = Pick<DeliveryAttemptRow, (typeof ATTEMPT_SUMMARY_COLUMNS)[number]>;

// What a claimant reads of the job's event and integration, with the claim, or with a job created claimed.
const CLAIMANT_READS = `${JOINED_EVENT_COLUMNS}, ${DELIVERY_TARGET_COLUMNS}`;
const CLAIM_JOBS = claimJobsStatement(CLAIMANT_READS);
const CREATE_JOBS = createJobsStatement(CLAIMANT_READS);

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

const SUBJECT_HEAD = prepared('dispatcher_subject_head', `
  SELECT id, event_id, integration_id FROM delivery_jobs
   WHERE integration_id = $1::uuid AND order_key = $2::text AND order_key IS NOT NULL
     AND status = 'pending' AND attempt_count = 0
   ORDER BY order_seq, id
   LIMIT 1`);

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
    const wanted = dispatches.flatMap(({ dispatch, integrationIds, ordered, claimFirst }) =>
      integrationIds.map((integrationId) => ({
        ...dispatch,
        integrationId,
        claimFirst: claimFirst?.includes(integrationId) ?? false,
        ...(ordered?.integrationIds.includes(integrationId) ? { orderKey: ordered.subject, orderSeq: ordered.seq } : {}),
      })));
    const firstDispatches = dispatches.filter(({ dispatch }) => dispatch.replayRequestId === null);
    const subjects = wanted.filter((pair) => pair.orderKey !== undefined);
    const create = (sql: StatementRunner) => sql.query<{
      id: string; event_id: string; replay_request_id: string | null; integration_id: string;
      unpublished: boolean; first_attempt_claimed: boolean; claimed_now: boolean;
    } & JoinedEventRow & DeliveryTargetRow>(CREATE_JOBS, [
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
      wanted.map((pair) => pair.claimFirst),
    ]);
    // Ordered jobs join their subjects' lines under the subjects' locks; the rest need no transaction.
    const rows = subjects.length === 0 ? await create(this.sql) : await this.sql.transaction(async (tx) => {
      await tx.query(LOCK_SUBJECTS, [subjects.map((pair) => pair.integrationId), subjects.map((pair) => pair.orderKey)]);
      return create(tx);
    });
    return rows.map((row) => ({
      id: row.id, eventId: row.event_id, replayRequestId: row.replay_request_id, integrationId: row.integration_id,
      unpublished: row.unpublished, firstAttemptClaimed: row.first_attempt_claimed,
      ...(row.claimed_now ? {
        claimed: {
          // The job as the statement created it: attempt 1 claimed, nothing recorded yet, in no subject's line.
          job: {
            id: row.id, eventId: row.event_id, integrationId: row.integration_id, replayRequestId: row.replay_request_id,
            status: 'delivering', attemptCount: 1, maxAttempts, lastStatusCode: null, lastError: null, nextAttemptAt: null,
            completedAt: null, orderKey: null,
          },
          event: toJoinedEvent(row),
          target: toDeliveryTarget(row),
        },
      } : {}),
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
      const [parked] = await tx.query<Pick<JobRow, 'event_id'>>(PARK_JOB, [jobId]);
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
