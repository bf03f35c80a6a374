// Every statement that changes delivery_jobs, by the step of the job lifecycle it does (JOB_TRANSITIONS in
// libs/contracts job-lifecycle.ts). Their statuses come from that table; none is spelled in the SQL text.
// The dispatcher and management run them; libs/db/test/job-statements.test.ts holds each statement to the
// table in PostgreSQL, and fails when a service changes delivery_jobs anywhere else.
import {
  CLAIMABLE_JOB_STATUSES, claimRuleSql, fromStatuses, JOB_STATUSES, OPEN_JOB_STATUSES, soleStatus, sqlStatusList, toStatuses,
  type JobMessage, type JobStatus, type JobStep,
} from '@hookway/contracts';
import type { Knex } from 'knex';
import { prepared, type PreparedStatement } from './prepared.js';
import type { DeliveryJobRow } from './rows.js';

/** `status`, held to the table: `step` moves a job out of it (`from`) or into it (`to`). */
function stepStatus(step: JobStep, side: 'from' | 'to', status: JobStatus): JobStatus {
  if (!(side === 'from' ? fromStatuses(step) : toStatuses(step)).includes(status)) {
    throw new Error(`the job lifecycle has no ${step} ${side} ${status}`);
  }
  return status;
}

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

const OPEN = sqlStatusList(OPEN_JOB_STATUSES);
const WAITING = soleStatus(fromStatuses('releaseWaiting'));
const RELEASED = soleStatus(toStatuses('releaseWaiting'));

// create

/** A created job that may go at once: its first message is owed. */
const CREATED = stepStatus('create', 'to', 'pending');
/** A created job whose first attempt the fanning-out process claimed in the same statement (first-attempts.ts). */
const CREATED_CLAIMED = stepStatus('create', 'to', 'delivering');
/** A job whose first attempt was claimed (by the fan-out's own process, first-attempts.ts) and not yet recorded. */
const FIRST_CLAIMED = stepStatus('claim', 'to', 'delivering');

/**
 * One statement for the fan-out of many dispatches: each wanted (dispatch, integration) pair gets a job
 * unless it has one, and every job of the dispatches comes back, those of an earlier run included, each
 * flagged `unpublished` (its first attempt is owed), `first_attempt_claimed` (an earlier run's process
 * claimed its first attempt and recorded nothing yet: if that process died, a redelivered event message
 * takes the attempt over) or `claimed_now`.
 *
 * A pair flagged `claim_first` ($11) whose job is new and unordered, and whose integration is active with
 * no rate limit and no receiver's pause (what the pacer lets through at once, read here as of this
 * statement, since the caller's cached view of it may be stale), gets its job created with attempt 1
 * claimed (`claimed_now`): the caller makes that attempt at once, as a claim would have let it, and the
 * row comes back with `alongside` (the columns its claimant reads of the job's event, alias `e`, and
 * integration, alias `i`, as claimJobsStatement's), which are null on every other row. That spares a first attempt the claim's statement and commit. One claimant (the dispatcher)
 * builds it once: a prepared statement's name stands for one text.
 *
 * Rows inserted by a statement are invisible to its own reads, so the new jobs come from RETURNING and
 * the earlier ones from the SELECT. Inserting in key order keeps concurrent fan-outs from deadlocking.
 *
 * The same statement moves each event dispatched for the first time out of `pending`, which spares a
 * status roll-up per event (hookway_refresh_event_status, a function call with three queries): its jobs
 * were created but none was published yet, so `processing` is what the roll-up would say, or `processed`
 * when it has no job at all (nothing subscribes; "has a job" also counts an earlier run's, which the
 * statement's snapshot sees). An event no longer `pending` was rolled up by a delivery already: left alone.
 * The rows are locked in id order, as every other writer of several events locks them.
 *
 * A job of an ordered integration ($9 order_key, $10 order_seq set) joins its subject's line: it may go
 * (pending) only when no job of the subject is open and none waits ahead of it, and it is the first of the
 * subject among the batch's new jobs; otherwise it waits (no message, see RELEASE_NEXT). The caller holds
 * the subjects' locks (the dispatcher's LOCK_SUBJECTS), so the line this statement reads cannot change under it.
 */
export function createJobsStatement(alongside: string): PreparedStatement {
  return prepared('dispatcher_create_jobs', `
  WITH wanted AS (
    SELECT w.*,
           row_number() OVER (PARTITION BY w.integration_id, w.order_key ORDER BY w.order_seq, w.event_id) AS place,
           (w.claim_first AND w.order_key IS NULL
            AND EXISTS (SELECT 1 FROM integrations a
                         WHERE a.id = w.integration_id AND a.state = 'active' AND a.rate_limit_per_second IS NULL)
            AND NOT EXISTS (SELECT 1 FROM integration_pacing p WHERE p.integration_id = w.integration_id AND p.paused_until > now()))
             AS claims
      FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $9::text[], $10::bigint[], $11::boolean[])
        AS w(event_id, replay_request_id, integration_id, order_key, order_seq, claim_first)
     WHERE w.order_key IS NULL
        OR NOT EXISTS (SELECT 1 FROM delivery_jobs x
                        WHERE x.event_id = w.event_id AND x.integration_id = w.integration_id
                          AND COALESCE(x.replay_request_id, '${NIL_UUID}'::uuid) = COALESCE(w.replay_request_id, '${NIL_UUID}'::uuid))
  ),
  created AS (
    INSERT INTO delivery_jobs (event_id, integration_id, replay_request_id, status, attempt_count, max_attempts, order_key, order_seq)
    SELECT wanted.event_id, wanted.integration_id, wanted.replay_request_id,
           CASE WHEN wanted.claims THEN '${CREATED_CLAIMED}'
                WHEN wanted.order_key IS NULL THEN '${CREATED}'
                WHEN wanted.place = 1 AND NOT EXISTS (
                  SELECT 1 FROM delivery_jobs o
                   WHERE o.integration_id = wanted.integration_id AND o.order_key = wanted.order_key AND o.order_key IS NOT NULL
                     AND (o.status IN (${OPEN})
                          OR (o.status = '${WAITING}' AND o.order_seq < wanted.order_seq))) THEN '${RELEASED}'
                ELSE '${stepStatus('create', 'to', WAITING)}' END,
           CASE WHEN wanted.claims THEN 1 ELSE 0 END, $1::integer, wanted.order_key, wanted.order_seq
      FROM wanted
     ORDER BY wanted.event_id, wanted.integration_id, COALESCE(wanted.replay_request_id, '${NIL_UUID}'::uuid)
    ON CONFLICT (event_id, integration_id, COALESCE(replay_request_id, '${NIL_UUID}'::uuid)) DO NOTHING
    RETURNING id, event_id, replay_request_id, integration_id, status = '${CREATED}' AS unpublished, false AS first_attempt_claimed,
              status = '${CREATED_CLAIMED}' AS claimed_now
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
  ),
  dispatched AS (
    SELECT id, event_id, replay_request_id, integration_id, unpublished, first_attempt_claimed, claimed_now FROM created
    UNION ALL
    SELECT j.id, j.event_id, j.replay_request_id, j.integration_id, (j.status = '${CREATED}' AND j.attempt_count = 0),
           (j.status = '${FIRST_CLAIMED}' AND j.attempt_count = 1), false
      FROM unnest($5::uuid[], $6::uuid[]) AS d(event_id, replay_request_id)
      JOIN delivery_jobs j
        ON j.event_id = d.event_id
       AND COALESCE(j.replay_request_id, '${NIL_UUID}'::uuid) = COALESCE(d.replay_request_id, '${NIL_UUID}'::uuid)
  )
  SELECT c.*, ${alongside}
    FROM dispatched c
    LEFT JOIN events e ON c.claimed_now AND e.id = c.event_id
    LEFT JOIN integrations i ON c.claimed_now AND i.id = c.integration_id`, { planEachCall: true });
}

// claim

const CLAIMED = soleStatus(toStatuses('claim'));
const UNCLAIMABLE = sqlStatusList(JOB_STATUSES.filter((status) => !CLAIMABLE_JOB_STATUSES.includes(status)));

/**
 * The claim of many messages' jobs, each returned with `alongside`: the columns its claimant reads of the
 * job's event (alias `e`) and integration (alias `i`), both outer-joined. One claimant (the dispatcher)
 * builds it once: a prepared statement's name stands for one text.
 *
 * A consumer that died mid-delivery leaves 'delivering' behind: only RabbitMQ's redelivery of that
 * same message, or a copy that stands in for it (JOB_TAKEOVER_HEADER), may take it over, never a second
 * plain copy running concurrently (claimRuleSql).
 * When two messages of one job meet in a batch, the UPDATE takes at most one of them (the caller
 * decides which one owns the claim). The jobs are locked in id order first (the ARRAY() sub-select runs
 * to completion before the UPDATE scans), as the release of parked jobs locks them, so the two cannot deadlock.
 */
export function claimJobsStatement(alongside: string): PreparedStatement {
  return prepared('dispatcher_claim_jobs', `
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
  SELECT c.*, ${alongside}
    FROM claimed c
    LEFT JOIN events e ON e.id = c.event_id
    LEFT JOIN integrations i ON i.id = c.integration_id`, { planEachCall: true });
}

// record

const RETRIED = stepStatus('record', 'to', 'retrying');
const SUCCEEDED = stepStatus('record', 'to', 'succeeded');

// Many jobs' new states ($4, each one of the record step's targets), their attempts (only for the jobs
// still ours) and the successes' resets of their integrations' streaks, in one statement. Data-modifying
// CTEs always run to completion.
export const RECORD_ATTEMPTS = prepared('dispatcher_record_attempts', `
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
           completed_at = CASE WHEN m.job_status = '${RETRIED}' THEN NULL ELSE now() END,
           updated_at = now()
      FROM m
     WHERE j.id = m.job_id AND j.status = '${soleStatus(fromStatuses('record'))}' AND j.attempt_count = m.attempt_number
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
                   WHERE m.job_status = '${SUCCEEDED}')
  )
  SELECT id AS job_id, attempt_count FROM updated`, { planEachCall: true });

// park

// The claimed attempt of a paused integration's job is not made and does not count.
export const PARK_JOB = prepared('dispatcher_park_job', `
  UPDATE delivery_jobs SET status = '${soleStatus(toStatuses('park'))}', attempt_count = attempt_count - 1, updated_at = now()
   WHERE id = $1::uuid AND status = '${soleStatus(fromStatuses('park'))}'
  RETURNING event_id`);

// releaseParked

const PARKED = sqlStatusList(fromStatuses('releaseParked'));

/**
 * Hands an integration's parked jobs back to delivery: 'pending' if they never made an attempt, else
 * 'retrying'. The rows are locked in id order, as the claim locks them, and stay locked until the
 * transaction ends. `waiting` jobs are not touched: the job ahead of them in their subject is parked instead.
 */
export async function releaseParkedJobs(
  db: Knex, integrationId: string,
): Promise<Array<Pick<DeliveryJobRow, 'id' | 'event_id' | 'integration_id' | 'attempt_count'>>> {
  const { rows } = await db.raw<{ rows: Array<Pick<DeliveryJobRow, 'id' | 'event_id' | 'integration_id' | 'attempt_count'>> }>(`
      UPDATE delivery_jobs
         SET status = CASE WHEN attempt_count = 0 THEN '${stepStatus('releaseParked', 'to', 'pending')}' ELSE '${stepStatus('releaseParked', 'to', 'retrying')}' END, updated_at = now()
       WHERE status IN (${PARKED})
         AND id = ANY(ARRAY(SELECT id FROM delivery_jobs WHERE integration_id = ? AND status IN (${PARKED}) ORDER BY id FOR NO KEY UPDATE))
      RETURNING id, event_id, integration_id, attempt_count`, [integrationId]);
  return rows;
}

// repark

/**
 * Parks released jobs again whose job message could not be published, unless a claim took them meanwhile.
 * Only `pending` and `retrying` jobs qualify: a `waiting` one has no message to lose.
 */
export async function reparkJobs(
  db: Knex, messages: ReadonlyArray<Pick<JobMessage, 'jobId' | 'attempt'>>,
): Promise<Array<Pick<DeliveryJobRow, 'event_id'>>> {
  return db('delivery_jobs')
    // Still owed exactly this message: no claim took it (see mayClaim).
    .whereIn(['id', 'attempt_count'], messages.map((message) => [message.jobId, message.attempt - 1]))
    .whereIn('status', fromStatuses('repark'))
    .update({ status: soleStatus(toStatuses('repark')), updated_at: db.fn.now() })
    .returning<Array<Pick<DeliveryJobRow, 'event_id'>>>(['event_id']);
}

// releaseWaiting

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

// An integration that no longer orders lets every waiting job of a subject go at once.
export const RELEASE_ALL_WAITING = prepared('dispatcher_release_all_waiting', `
  UPDATE delivery_jobs j SET status = '${RELEASED}', updated_at = now()
    FROM unnest($1::uuid[], $2::text[]) AS s(integration_id, order_key)
   WHERE j.integration_id = s.integration_id AND j.order_key = s.order_key AND j.order_key IS NOT NULL AND j.status = '${WAITING}'
  RETURNING j.id, j.event_id, j.integration_id, j.order_key`);

// rescue, settleStranded: the sweeper passes the ids of jobs it found open past their lease and locked.

const LOST = stepStatus('rescue', 'from', 'delivering');

// A lost delivering attempt does not count: the job goes back to what it was before the claim.
export const RESCUE_STRANDED = prepared('dispatcher_rescue_stranded', `
  UPDATE delivery_jobs j
     SET attempt_count = CASE WHEN j.status = '${LOST}' THEN j.attempt_count - 1 ELSE j.attempt_count END,
         status = CASE WHEN j.status <> '${LOST}' THEN j.status WHEN j.attempt_count > 1 THEN '${stepStatus('rescue', 'to', 'retrying')}' ELSE '${stepStatus('rescue', 'to', 'pending')}' END,
         next_attempt_at = NULL, sweeps = j.sweeps + 1, updated_at = now()
    FROM unnest($1::uuid[]) AS r(id)
   WHERE j.id = r.id
  RETURNING j.id, j.event_id, j.integration_id, j.status, j.attempt_count, j.sweeps`);

export const SETTLE_STRANDED = prepared('dispatcher_settle_stranded', `
  UPDATE delivery_jobs j
     SET status = '${soleStatus(toStatuses('settleStranded'))}', last_error = r.reason, next_attempt_at = NULL, completed_at = now(), updated_at = now()
    FROM unnest($1::uuid[], $2::text[]) AS r(id, reason)
   WHERE j.id = r.id
  RETURNING j.id, j.event_id, j.integration_id, j.status, j.attempt_count, j.sweeps`);
