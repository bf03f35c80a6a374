// One delivery attempt of one job: claim it, sign and send the request, let classifyOutcome decide
// what the answer means, record everything in one transaction, then publish the audit fact.
// The claim makes duplicates harmless: only one consumer can own attempt N of a job, and only
// RabbitMQ's own redelivery may take over an attempt whose consumer died mid-flight.
import { auditFact, type AuditFact, type JobMessage, type JobStatus } from '@hookway/contracts';
import type { Logger } from '@hookway/logger';
import { classifyOutcome, type DeliveryOutcome } from './delivery-outcome.js';
import type {
  AttemptRecord, AttemptSummary, DispatchPublisher, EventStore, IntegrationStore, JobCompletion, JobRecord, JobStore, WebhookResult, WebhookSender,
} from './ports.js';
import { buildWebhookRequest } from '@hookway/outbound';

export type JobDeliveryResult = 'succeeded' | 'failed' | 'parked' | 'skipped';

export interface JobDeliveryDeps {
  jobs: JobStore;
  events: EventStore;
  integrations: IntegrationStore;
  sender: WebhookSender;
  publisher: DispatchPublisher;
  /** Decrypts a sealed signing secret. */
  openSecret(sealed: string): string;
}

export interface DeliveryContext {
  /** RabbitMQ redelivered the message: its previous consumer may have died mid-attempt. */
  redelivered: boolean;
  correlationId: string;
  logger: Logger;
}

/**
 * What the job becomes after an attempt. Retries are not scheduled yet, so every non-success is
 * final for now; the retry issue adds its branch here (and only here).
 */
export function completionFor(outcome: DeliveryOutcome, result: WebhookResult): JobCompletion {
  const lastStatusCode = result.kind === 'response' ? result.statusCode : null;
  switch (outcome.kind) {
    case 'success':
      return { status: 'succeeded', lastError: null, lastStatusCode };
    case 'retry':
    case 'dead':
    case 'disable-integration':
      return { status: 'failed', lastError: `${outcome.errorCode}: ${outcome.reason}`, lastStatusCode };
  }
}

const TERMINAL_FACT: Partial<Record<JobStatus, string>> = {
  succeeded: 'delivered',
  failed: 'failed',
  dead: 'dead_lettered',
};

export function terminalJobFact(
  job: Pick<JobRecord, 'id' | 'eventId' | 'integrationId' | 'status'>,
  attempt: AttemptSummary | undefined,
  context: { correlationId: string; occurredAt?: Date },
): AuditFact | undefined {
  const action = TERMINAL_FACT[job.status];
  if (!action) return undefined;
  return auditFact({
    factId: `job.${action}:${job.id}`,
    entityType: 'job',
    entityId: job.id,
    action,
    actor: 'dispatcher',
    correlationId: context.correlationId,
    ...(context.occurredAt ? { occurredAt: context.occurredAt.toISOString() } : {}),
    details: {
      eventId: job.eventId,
      integrationId: job.integrationId,
      attempt: attempt?.attemptNumber ?? null,
      statusCode: attempt?.statusCode ?? null,
      latencyMs: attempt?.latencyMs ?? null,
      errorCode: attempt?.errorCode ?? null,
    },
  });
}

export class JobDelivery {
  constructor(private readonly deps: JobDeliveryDeps) {}

  async deliver(message: JobMessage, context: DeliveryContext): Promise<JobDeliveryResult> {
    const { jobs, events, integrations, sender, publisher } = this.deps;
    const job = await jobs.claim(message, context.redelivered);
    if (!job) {
      await this.settleUnclaimed(message, context);
      return 'skipped';
    }

    const [event, target] = await Promise.all([events.findById(job.eventId), integrations.findTarget(job.integrationId)]);
    if (!event || !target) {
      // Deleting an event or integration cascades to its jobs, so this is a deletion racing the claim.
      context.logger.warn('job lost its event or integration; skipped', { jobId: job.id });
      return 'skipped';
    }
    if (target.state !== 'active') {
      await jobs.park(job.id);
      context.logger.info('integration is not active; job parked', { jobId: job.id, state: target.state });
      return 'parked';
    }

    const secrets = [target.secretSealed, ...(target.previousSecretSealed ? [target.previousSecretSealed] : [])]
      .map((sealed) => this.deps.openSecret(sealed));
    const request = buildWebhookRequest({ event, secrets, customHeaders: target.headers });
    const result = await sender.send(target.url, request);
    const outcome = classifyOutcome(result);
    const completion = completionFor(outcome, result);
    const attempt: AttemptRecord = {
      jobId: job.id,
      eventId: job.eventId,
      integrationId: job.integrationId,
      attemptNumber: job.attemptCount,
      status: outcome.kind === 'success' ? 'success' : 'failed',
      statusCode: result.kind === 'response' ? result.statusCode : null,
      latencyMs: result.latencyMs,
      requestUrl: target.url,
      requestHeaders: request.headers,
      responseHeaders: result.kind === 'response' ? result.headers : null,
      responseBody: result.responseBody,
      errorCode: outcome.kind === 'success' ? null : outcome.errorCode,
      errorMessage: result.kind === 'error' ? result.message : outcome.kind === 'success' ? null : outcome.reason,
    };
    const recorded = await jobs.recordAttempt(attempt, completion);
    if (!recorded) {
      context.logger.warn('attempt finished after another consumer recorded it; result dropped', { jobId: job.id });
      return 'skipped';
    }

    const fact = terminalJobFact({ ...job, status: completion.status }, attempt, { correlationId: context.correlationId });
    if (fact) await publisher.publishAudit(fact);
    context.logger.info('delivery attempt recorded', {
      jobId: job.id, attempt: attempt.attemptNumber, status: completion.status,
      statusCode: attempt.statusCode, errorCode: attempt.errorCode, latencyMs: attempt.latencyMs,
    });
    return completion.status;
  }

  /**
   * The message could not claim its job. If the job is already terminal, its audit fact is published
   * again: the process may have died after committing the outcome and before publishing the fact.
   */
  private async settleUnclaimed(message: JobMessage, context: DeliveryContext): Promise<void> {
    const job = await this.deps.jobs.findById(message.jobId);
    if (!job) {
      context.logger.warn('job message for an unknown job; skipped', { jobId: message.jobId });
      return;
    }
    const lastAttempt = await this.deps.jobs.lastAttempt(job.id);
    const fact = terminalJobFact(job, lastAttempt, {
      correlationId: context.correlationId,
      ...(job.completedAt ? { occurredAt: job.completedAt } : {}),
    });
    if (fact) await this.deps.publisher.publishAudit(fact);
    context.logger.debug('job message skipped: job already taken or done', {
      jobId: job.id, status: job.status, attemptCount: job.attemptCount, attempt: message.attempt,
    });
  }
}
