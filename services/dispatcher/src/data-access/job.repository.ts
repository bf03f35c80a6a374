// Delivery jobs and their attempts. The claim is a single conditional UPDATE, so at most one consumer
// owns an attempt; recording an attempt is one transaction with the job, integration and event it changes.
// The hot statements are prepared, hand-written SQL that do in one round trip what would otherwise take
// several (on a loaded machine every round trip costs a context switch on both ends).
//
// The claim accepts attempt N when the job has made N-1 attempts and nobody is delivering it: a fresh
// job (pending, 0), a job waiting for its retry (retrying, N-1), or a parked job that the management
// service released (it sets status back to pending/retrying and publishes attempt_count + 1).
import { PreparedQueries, prepared, type Knex } from '@hookway/db';
import type { IntegrationState, JobMessage, JobStatus } from '@hookway/contracts';
import type {
  AttemptRecord, AttemptSummary, ClaimedJob, Dispatch, DispatchJob, JobCompletion, JobRecord, JobStore, RecordOutcome,
} from '../domain/ports.js';
import { JOINED_EVENT_COLUMNS, REFRESH_EVENT_STATUS, toJoinedEvent, type JoinedEventRow } from './event.repository.js';
import { DELIVERY_TARGET_COLUMNS, toDeliveryTarget, type DeliveryTargetRow } from './integration.repository.js';

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

interface JobRow {
  id: string;
  event_id: string;
  integration_id: string;
  replay_request_id: string | null;
  status: JobStatus;
  attempt_count: number;
  max_attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: Date | null;
  completed_at: Date | null;
}

interface AttemptRow {
  attempt_number: number;
  status_code: number | null;
  latency_ms: number;
  error_code: string | null;
}

function toJob(row: JobRow): JobRecord {
  return {
    id: row.id,
    eventId: row.event_id,
    integrationId: row.integration_id,
    replayRequestId: row.replay_request_id,
    status: row.status,
    attemptCount: row.attempt_count,
    maxAttempts: row.max_attempts,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at,
    completedAt: row.completed_at,
  };
}

const CREATE_FOR_DISPATCH = prepared('dispatcher_create_jobs', `
  WITH created AS (
    INSERT INTO delivery_jobs (event_id, integration_id, replay_request_id, status, attempt_count, max_attempts)
    SELECT $1::uuid, integration_id, $2::uuid, 'pending', 0, $3::integer
      FROM unnest($4::uuid[]) AS integration_id
    ON CONFLICT (event_id, integration_id, COALESCE(replay_request_id, '${NIL_UUID}'::uuid)) DO NOTHING
    RETURNING id, integration_id, true AS unpublished
  )
  SELECT id, integration_id, unpublished FROM created
  UNION ALL
  SELECT id, integration_id, (status = 'pending' AND attempt_count = 0) AS unpublished
    FROM delivery_jobs
   WHERE event_id = $1::uuid
     AND COALESCE(replay_request_id, '${NIL_UUID}'::uuid) = COALESCE($2::uuid, '${NIL_UUID}'::uuid)
  ORDER BY id`);

// A consumer that died mid-delivery leaves 'delivering' behind: only RabbitMQ's redelivery of that
// same message may take it over, never a second published copy running concurrently. The event and
// the delivery target come back with the claim.
const CLAIM = prepared('dispatcher_claim_job', `
  WITH claimed AS (
    UPDATE delivery_jobs
       SET status = 'delivering', attempt_count = $4::integer, updated_at = now()
     WHERE id = $1::uuid
       AND event_id = $2::uuid
       AND integration_id = $3::uuid
       AND status NOT IN ('succeeded', 'failed', 'dead', 'parked')
       AND ((attempt_count = $4::integer - 1 AND status <> 'delivering')
            OR ($5::boolean AND attempt_count = $4::integer AND status = 'delivering'))
     RETURNING *
  )
  SELECT c.*, ${JOINED_EVENT_COLUMNS}, ${DELIVERY_TARGET_COLUMNS}
    FROM claimed c
    LEFT JOIN events e ON e.id = c.event_id
    LEFT JOIN integrations i ON i.id = c.integration_id`);

// The job's new state, the attempt (only when the job was still ours) and a success's reset of the
// integration's streak, in one statement. Data-modifying CTEs always run to completion.
const RECORD_ATTEMPT = prepared('dispatcher_record_attempt', `
  WITH updated AS (
    UPDATE delivery_jobs
       SET status = $4::text, last_error = $5::text, last_status_code = $6::integer, next_attempt_at = $7::timestamptz,
           -- now() of this transaction, like a disabled integration's updated_at: disabledByJob relies on it.
           completed_at = CASE WHEN $4::text = 'retrying' THEN NULL ELSE now() END,
           updated_at = now()
     WHERE id = $1::uuid AND status = 'delivering' AND attempt_count = $8::integer
     RETURNING id
  ),
  attempt AS (
    INSERT INTO delivery_attempts (job_id, event_id, integration_id, attempt_number, status, status_code, latency_ms,
                                   request_url, request_headers, response_headers, response_body, error_code, error_message)
    SELECT id, $2::uuid, $3::uuid, $8::integer, $9::text, $10::integer, $11::integer, $12::text, $13::jsonb, $14::jsonb,
           $15::text, $16::text, $17::text
      FROM updated
  ),
  streak_reset AS (
    UPDATE integrations SET consecutive_failures = 0
     WHERE id = $3::uuid AND consecutive_failures <> 0 AND $4::text = 'succeeded' AND EXISTS (SELECT 1 FROM updated)
  )
  SELECT EXISTS (SELECT 1 FROM updated) AS recorded`);

const EXTEND_STREAK = prepared('dispatcher_extend_streak', `
  UPDATE integrations SET consecutive_failures = consecutive_failures + 1 WHERE id = $1::uuid
  RETURNING consecutive_failures, state`);

const DISABLE_INTEGRATION = prepared('dispatcher_disable_integration', `
  UPDATE integrations SET state = 'disabled', disabled_reason = $2::text, updated_at = now() WHERE id = $1::uuid`);

const PARK = prepared('dispatcher_park_job', `
  UPDATE delivery_jobs SET status = 'parked', attempt_count = attempt_count - 1, updated_at = now()
   WHERE id = $1::uuid AND status = 'delivering'
  RETURNING event_id`);

export class JobRepository implements JobStore {
  private readonly sql: PreparedQueries;

  constructor(private readonly db: Knex) {
    this.sql = new PreparedQueries(db);
  }

  async createForDispatch(dispatch: Dispatch, integrationIds: readonly string[], maxAttempts: number): Promise<DispatchJob[]> {
    // Rows inserted by a statement are invisible to its own reads, so the new jobs come from RETURNING
    // and the ones an earlier run created from the SELECT. The unique index delivery_jobs_dispatch_key
    // allows one job per (event, integration, dispatch).
    const rows = await this.sql.query<{ id: string; integration_id: string; unpublished: boolean }>(
      CREATE_FOR_DISPATCH, [dispatch.eventId, dispatch.replayRequestId, maxAttempts, integrationIds]);
    return rows.map((row) => ({ id: row.id, integrationId: row.integration_id, unpublished: row.unpublished }));
  }

  async claim(message: JobMessage, redelivered: boolean): Promise<ClaimedJob | undefined> {
    const [row] = await this.sql.query<JobRow & JoinedEventRow & DeliveryTargetRow>(
      CLAIM, [message.jobId, message.eventId, message.integrationId, message.attempt, redelivered]);
    return row ? { job: toJob(row), event: toJoinedEvent(row), target: toDeliveryTarget(row) } : undefined;
  }

  async findById(jobId: string): Promise<JobRecord | undefined> {
    const row = await this.db<JobRow>('delivery_jobs').where({ id: jobId }).first();
    return row ? toJob(row) : undefined;
  }

  async lastAttempt(jobId: string): Promise<AttemptSummary | undefined> {
    const row = await this.db<AttemptRow>('delivery_attempts')
      .select('attempt_number', 'status_code', 'latency_ms', 'error_code')
      .where('job_id', jobId)
      .orderBy('attempt_number', 'desc')
      .first();
    if (!row) return undefined;
    return { attemptNumber: row.attempt_number, statusCode: row.status_code, latencyMs: row.latency_ms, errorCode: row.error_code };
  }

  async park(jobId: string): Promise<void> {
    await this.sql.transaction(async (tx) => {
      const [parked] = await tx.query<Pick<JobRow, 'event_id'>>(PARK, [jobId]);
      if (parked) await tx.query(REFRESH_EVENT_STATUS, [parked.event_id]);
    });
  }

  async recordAttempt(
    attempt: AttemptRecord,
    completion: JobCompletion,
    disableReasonFor: (consecutiveFailedJobs: number) => string | null,
  ): Promise<RecordOutcome> {
    return this.sql.transaction(async (tx): Promise<RecordOutcome> => {
      const [result] = await tx.query<{ recorded: boolean }>(RECORD_ATTEMPT, [
        attempt.jobId,
        attempt.eventId,
        attempt.integrationId,
        completion.status,
        completion.lastError,
        completion.lastStatusCode,
        completion.status === 'retrying' ? completion.nextAttemptAt : null,
        attempt.attemptNumber,
        attempt.status,
        attempt.statusCode,
        attempt.latencyMs,
        attempt.requestUrl,
        JSON.stringify(attempt.requestHeaders),
        attempt.responseHeaders === null ? null : JSON.stringify(attempt.responseHeaders),
        attempt.responseBody,
        attempt.errorCode,
        attempt.errorMessage,
      ]);
      if (result?.recorded !== true) return { recorded: false };

      // The circuit breaker counts failed JOBS, not attempts: a success resets the streak (above), a
      // dead job extends it, and a failed attempt that will be retried leaves it alone.
      let disabledReason: string | null = null;
      if (completion.status === 'dead') {
        const [integration] = await tx.query<{ consecutive_failures: number; state: IntegrationState }>(EXTEND_STREAK, [attempt.integrationId]);
        const reason = integration ? disableReasonFor(integration.consecutive_failures) : null;
        if (integration && reason !== null && integration.state !== 'disabled') {
          await tx.query(DISABLE_INTEGRATION, [attempt.integrationId, reason]);
          disabledReason = reason;
        }
      }
      await tx.query(REFRESH_EVENT_STATUS, [attempt.eventId]);
      return { recorded: true, disabledReason };
    });
  }
}
