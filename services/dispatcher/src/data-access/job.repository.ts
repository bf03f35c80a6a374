// Delivery jobs and their attempts. The claim is a single conditional UPDATE, so at most one consumer
// owns an attempt; recording an attempt is one transaction with the job, integration and event it changes.
//
// The claim accepts attempt N when the job has made N-1 attempts and nobody is delivering it: a fresh
// job (pending, 0), a job waiting for its retry (retrying, N-1), or a parked job that the management
// service released (it sets status back to pending/retrying and publishes attempt_count + 1).
import type { Knex } from '@hookway/db';
import type { IntegrationState, JobMessage, JobStatus } from '@hookway/contracts';
import type { AttemptRecord, AttemptSummary, Dispatch, JobCompletion, JobRecord, JobStore, RecordOutcome } from '../domain/ports.js';
import { refreshEventStatus } from './event.repository.js';

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

  private ofDispatch(dispatch: Dispatch): Knex.QueryBuilder {
    const query = this.db('delivery_jobs').where({ event_id: dispatch.eventId });
    return dispatch.replayRequestId === null
      ? query.whereNull('replay_request_id')
      : query.where({ replay_request_id: dispatch.replayRequestId });
  }

  async createForDispatch(dispatch: Dispatch, integrationIds: readonly string[], maxAttempts: number): Promise<void> {
    if (integrationIds.length === 0) return;
    await this.db('delivery_jobs')
      .insert(integrationIds.map((integrationId) => ({
        event_id: dispatch.eventId,
        integration_id: integrationId,
        replay_request_id: dispatch.replayRequestId,
        status: 'pending',
        attempt_count: 0,
        max_attempts: maxAttempts,
      })))
      // The unique index delivery_jobs_dispatch_key: one job per (event, integration, dispatch).
      .onConflict(this.db.raw(`(event_id, integration_id, COALESCE(replay_request_id, '${NIL_UUID}'::uuid))`))
      .ignore();
  }

  async findUnpublished(dispatch: Dispatch): Promise<Array<{ id: string; integrationId: string }>> {
    const rows = (await this.ofDispatch(dispatch)
      .where({ status: 'pending', attempt_count: 0 })
      .select('id', 'integration_id')
      .orderBy('id')) as Array<Pick<JobRow, 'id' | 'integration_id'>>;
    return rows.map((row) => ({ id: row.id, integrationId: row.integration_id }));
  }

  async countForDispatch(dispatch: Dispatch): Promise<number> {
    const row = (await this.ofDispatch(dispatch).count({ count: '*' }).first()) as { count: number } | undefined;
    return row?.count ?? 0;
  }

  async claim(message: JobMessage, redelivered: boolean): Promise<JobRecord | undefined> {
    // A consumer that died mid-delivery leaves 'delivering' behind: only RabbitMQ's redelivery of that
    // same message may take it over, never a second published copy running concurrently.
    const result = await this.db.raw<{ rows: JobRow[] }>(
      `UPDATE delivery_jobs
          SET status = 'delivering', attempt_count = :attempt, updated_at = now()
        WHERE id = :jobId
          AND event_id = :eventId
          AND integration_id = :integrationId
          AND status NOT IN ('succeeded', 'failed', 'dead', 'parked')
          AND ((attempt_count = CAST(:attempt AS integer) - 1 AND status <> 'delivering')
               OR (CAST(:redelivered AS boolean) AND attempt_count = :attempt AND status = 'delivering'))
        RETURNING *`,
      { jobId: message.jobId, eventId: message.eventId, integrationId: message.integrationId, attempt: message.attempt, redelivered },
    );
    const row = result.rows[0];
    return row ? toJob(row) : undefined;
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
      const updated = await trx('delivery_jobs')
        .where({ id: attempt.jobId, status: 'delivering', attempt_count: attempt.attemptNumber })
        .update({
          status: completion.status,
          last_error: completion.lastError,
          last_status_code: completion.lastStatusCode,
          next_attempt_at: completion.status === 'retrying' ? completion.nextAttemptAt : null,
          // Set in the same transaction as a disabled integration's updated_at: disabledByJob relies on it.
          completed_at: completion.status === 'retrying' ? null : trx.fn.now(),
          updated_at: trx.fn.now(),
        });
      if (updated === 0) return { recorded: false };

      await trx('delivery_attempts').insert({
        job_id: attempt.jobId,
        event_id: attempt.eventId,
        integration_id: attempt.integrationId,
        attempt_number: attempt.attemptNumber,
        status: attempt.status,
        status_code: attempt.statusCode,
        latency_ms: attempt.latencyMs,
        request_url: attempt.requestUrl,
        request_headers: JSON.stringify(attempt.requestHeaders),
        response_headers: attempt.responseHeaders === null ? null : JSON.stringify(attempt.responseHeaders),
        response_body: attempt.responseBody,
        error_code: attempt.errorCode,
        error_message: attempt.errorMessage,
      });

      // The circuit breaker counts failed JOBS, not attempts: a success resets the streak, a dead
      // job extends it, and a failed attempt that will be retried leaves it alone.
      let disabledReason: string | null = null;
      if (completion.status === 'succeeded') {
        await trx('integrations').where({ id: attempt.integrationId }).whereNot({ consecutive_failures: 0 }).update({ consecutive_failures: 0 });
      } else if (completion.status === 'dead') {
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
