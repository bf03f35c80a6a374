// Delivery jobs and their attempts. The claim is a single conditional UPDATE, so at most one consumer
// owns an attempt; recording an attempt is one transaction with the job, integration and event it changes.
// The hot statements are hand-written SQL that do in one round trip what would otherwise take several
// (on a loaded machine every round trip costs a context switch on both ends).
//
// The claim accepts attempt N when the job has made N-1 attempts and nobody is delivering it: a fresh
// job (pending, 0), a job waiting for its retry (retrying, N-1), or a parked job that the management
// service released (it sets status back to pending/retrying and publishes attempt_count + 1).
import type { Knex } from '@hookway/db';
import type { IntegrationState, JobMessage, JobStatus } from '@hookway/contracts';
import type {
  AttemptRecord, AttemptSummary, ClaimedJob, Dispatch, DispatchJob, JobCompletion, JobRecord, JobStore, RecordOutcome,
} from '../domain/ports.js';
import { JOINED_EVENT_COLUMNS, refreshEventStatus, toJoinedEvent, type JoinedEventRow } from './event.repository.js';
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

export class JobRepository implements JobStore {
  constructor(private readonly db: Knex) {}

  async createForDispatch(dispatch: Dispatch, integrationIds: readonly string[], maxAttempts: number): Promise<DispatchJob[]> {
    // Rows inserted by a statement are invisible to its own reads, so the new jobs come from RETURNING
    // and the ones an earlier run created from the SELECT. The unique index delivery_jobs_dispatch_key
    // allows one job per (event, integration, dispatch).
    const { rows } = await this.db.raw<{ rows: Array<{ id: string; integration_id: string; unpublished: boolean }> }>(
      `WITH created AS (
         INSERT INTO delivery_jobs (event_id, integration_id, replay_request_id, status, attempt_count, max_attempts)
         SELECT CAST(:eventId AS uuid), integration_id, CAST(:replayRequestId AS uuid), 'pending', 0, :maxAttempts
           FROM unnest(CAST(:integrationIds AS uuid[])) AS integration_id
         ON CONFLICT (event_id, integration_id, COALESCE(replay_request_id, '${NIL_UUID}'::uuid)) DO NOTHING
         RETURNING id, integration_id, true AS unpublished
       )
       SELECT id, integration_id, unpublished FROM created
       UNION ALL
       SELECT id, integration_id, (status = 'pending' AND attempt_count = 0) AS unpublished
         FROM delivery_jobs
        WHERE event_id = :eventId
          AND COALESCE(replay_request_id, '${NIL_UUID}'::uuid) = COALESCE(CAST(:replayRequestId AS uuid), '${NIL_UUID}'::uuid)
       ORDER BY id`,
      { eventId: dispatch.eventId, replayRequestId: dispatch.replayRequestId, maxAttempts, integrationIds: [...integrationIds] },
    );
    return rows.map((row) => ({ id: row.id, integrationId: row.integration_id, unpublished: row.unpublished }));
  }

  async claim(message: JobMessage, redelivered: boolean): Promise<ClaimedJob | undefined> {
    // A consumer that died mid-delivery leaves 'delivering' behind: only RabbitMQ's redelivery of that
    // same message may take it over, never a second published copy running concurrently. The event and
    // the delivery target come back with the claim.
    const result = await this.db.raw<{ rows: Array<JobRow & JoinedEventRow & DeliveryTargetRow> }>(
      `WITH claimed AS (
         UPDATE delivery_jobs
            SET status = 'delivering', attempt_count = :attempt, updated_at = now()
          WHERE id = :jobId
            AND event_id = :eventId
            AND integration_id = :integrationId
            AND status NOT IN ('succeeded', 'failed', 'dead', 'parked')
            AND ((attempt_count = CAST(:attempt AS integer) - 1 AND status <> 'delivering')
                 OR (CAST(:redelivered AS boolean) AND attempt_count = :attempt AND status = 'delivering'))
          RETURNING *
       )
       SELECT c.*, ${JOINED_EVENT_COLUMNS}, ${DELIVERY_TARGET_COLUMNS}
         FROM claimed c
         LEFT JOIN events e ON e.id = c.event_id
         LEFT JOIN integrations i ON i.id = c.integration_id`,
      { jobId: message.jobId, eventId: message.eventId, integrationId: message.integrationId, attempt: message.attempt, redelivered },
    );
    const row = result.rows[0];
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
    await this.db.transaction(async (trx) => {
      const parked = await trx('delivery_jobs')
        .where({ id: jobId, status: 'delivering' })
        .update({ status: 'parked', attempt_count: trx.raw('attempt_count - 1'), updated_at: trx.fn.now() })
        .returning<Array<Pick<JobRow, 'event_id'>>>('event_id');
      const eventId = parked[0]?.event_id;
      if (eventId) await refreshEventStatus(trx, eventId);
    });
  }

  async recordAttempt(
    attempt: AttemptRecord,
    completion: JobCompletion,
    disableReasonFor: (consecutiveFailedJobs: number) => string | null,
  ): Promise<RecordOutcome> {
    return this.db.transaction(async (trx): Promise<RecordOutcome> => {
      // One statement: the job's new state, the attempt (only when the job was still ours), and a
      // success's reset of the integration's streak. Data-modifying CTEs always run to completion.
      const { rows } = await trx.raw<{ rows: Array<{ recorded: boolean }> }>(
        `WITH updated AS (
           UPDATE delivery_jobs
              SET status = :status, last_error = :lastError, last_status_code = :lastStatusCode,
                  next_attempt_at = :nextAttemptAt,
                  -- now() of this transaction, like a disabled integration's updated_at: disabledByJob relies on it.
                  completed_at = CASE WHEN CAST(:status AS text) = 'retrying' THEN NULL ELSE now() END,
                  updated_at = now()
            WHERE id = :jobId AND status = 'delivering' AND attempt_count = :attemptNumber
            RETURNING id
         ),
         attempt AS (
           INSERT INTO delivery_attempts (job_id, event_id, integration_id, attempt_number, status, status_code, latency_ms,
                                          request_url, request_headers, response_headers, response_body, error_code, error_message)
           SELECT id, CAST(:eventId AS uuid), CAST(:integrationId AS uuid), CAST(:attemptNumber AS integer),
                  CAST(:attemptStatus AS text), CAST(:statusCode AS integer), CAST(:latencyMs AS integer), CAST(:requestUrl AS text),
                  CAST(:requestHeaders AS jsonb), CAST(:responseHeaders AS jsonb), CAST(:responseBody AS text),
                  CAST(:errorCode AS text), CAST(:errorMessage AS text)
             FROM updated
         ),
         streak_reset AS (
           UPDATE integrations SET consecutive_failures = 0
            WHERE id = :integrationId AND consecutive_failures <> 0 AND CAST(:status AS text) = 'succeeded' AND EXISTS (SELECT 1 FROM updated)
         )
         SELECT EXISTS (SELECT 1 FROM updated) AS recorded`,
        {
          jobId: attempt.jobId,
          eventId: attempt.eventId,
          integrationId: attempt.integrationId,
          attemptNumber: attempt.attemptNumber,
          status: completion.status,
          lastError: completion.lastError,
          lastStatusCode: completion.lastStatusCode,
          nextAttemptAt: completion.status === 'retrying' ? completion.nextAttemptAt : null,
          attemptStatus: attempt.status,
          statusCode: attempt.statusCode,
          latencyMs: attempt.latencyMs,
          requestUrl: attempt.requestUrl,
          requestHeaders: JSON.stringify(attempt.requestHeaders),
          responseHeaders: attempt.responseHeaders === null ? null : JSON.stringify(attempt.responseHeaders),
          responseBody: attempt.responseBody,
          errorCode: attempt.errorCode,
          errorMessage: attempt.errorMessage,
        },
      );
      if (rows[0]?.recorded !== true) return { recorded: false };

      // The circuit breaker counts failed JOBS, not attempts: a success resets the streak (above), a
      // dead job extends it, and a failed attempt that will be retried leaves it alone.
      let disabledReason: string | null = null;
      if (completion.status === 'dead') {
        const [integration] = await trx('integrations')
          .where({ id: attempt.integrationId })
          .update({ consecutive_failures: trx.raw('consecutive_failures + 1') })
          .returning<Array<{ consecutive_failures: number; state: IntegrationState }>>(['consecutive_failures', 'state']);
        const reason = integration ? disableReasonFor(integration.consecutive_failures) : null;
        if (integration && reason !== null && integration.state !== 'disabled') {
          await trx('integrations')
            .where({ id: attempt.integrationId })
            .update({ state: 'disabled', disabled_reason: reason, updated_at: trx.fn.now() });
          disabledReason = reason;
        }
      }
      await refreshEventStatus(trx, attempt.eventId);
      return { recorded: true, disabledReason };
    });
  }
}
