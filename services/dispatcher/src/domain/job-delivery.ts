// One delivery attempt of one job: claim it, sign and send the request, let classifyOutcome decide
// what the answer means and completionFor what the job becomes, record it all in one transaction,
// then publish what follows (the next attempt through a retry tier, or a dead letter) and the audit
// facts. The consumer acks only after that, so a crash anywhere before the ack redelivers the message:
//   - before the commit: the redelivered message takes the abandoned attempt over (claim);
//   - after the commit, before the publishes: the redelivered message finds the job already past its
//     attempt and publishes what is owed again (settleUnclaimed). The next attempt's claim accepts one
//     message per attempt number, so a second copy of it is harmless; audit facts have fixed ids.
// The claim makes duplicates harmless: only one consumer can own attempt N of a job, and only
// RabbitMQ's own redelivery (or a copy that stands in for one, x-hookway-takeover) may take over an
// attempt whose consumer died mid-flight.
import { auditFact, TERMINAL_JOB_STATUSES, type AuditFact, type JobMessage, type JobStatus, type OrderingOnDead } from '@hookway/contracts';
import { logsDebug, type Logger } from '@hookway/logger';
import { buildWebhookRequest, type WebhookRequest } from '@hookway/outbound';
import { unopenableReason } from '@hookway/signing';
import { disableReason } from './circuit-breaker.js';
import { classifyOutcome, SECRET_UNOPENABLE, type DeliveryOutcome } from './delivery-outcome.js';
import type {
  AttemptRecord, AttemptSummary, ClaimedJob, DeliveryTarget, DispatchPublisher, IntegrationStore, JobCompletion, JobRecord, JobStore, WebhookResult, WebhookSender,
} from './ports.js';
import type { RetryPolicy } from './retry-policy.js';

export type JobDeliveryResult =
  | 'succeeded'
  | 'retrying'
  | 'dead'
  | 'parked'
  /** A redelivered message found its attempt recorded and published the retry that was owed. */
  | 'resumed'
  | 'skipped';

export interface JobDeliveryDeps {
  jobs: JobStore;
  integrations: IntegrationStore;
  sender: WebhookSender;
  publisher: DispatchPublisher;
  retryPolicy: RetryPolicy;
  /** Consecutive dead jobs after which the integration is disabled. */
  circuitBreakerThreshold: number;
  /** Decrypts a sealed signing secret; throws when no configured key opens it. */
  openSecret(sealed: string): string;
  /** Told when an integration was disabled because its secret does not open (the census is stale). */
  onUnopenable?(integrationId: string): void;
  /** Told about every recorded attempt (metrics). */
  onAttempt?(attempt: Pick<AttemptRecord, 'status' | 'statusCode' | 'latencyMs' | 'errorCode' | 'integrationId' | 'responseHeaders'>,
    jobStatus: JobDeliveryResult): void;
  now?: () => number;
}

export interface DeliveryContext {
  /** RabbitMQ redelivered the message: its previous consumer may have died mid-attempt. */
  redelivered: boolean;
  correlationId: string;
  logger: Logger;
  /** Told when the claim gave this attempt its job (an in-process first attempt hands back a job it held differently). */
  onClaimed?: () => void;
}

/** What the job becomes after attempt `job.attemptCount` ended with `outcome`. */
export function completionFor(
  outcome: DeliveryOutcome,
  result: WebhookResult,
  job: Pick<JobRecord, 'attemptCount' | 'maxAttempts'>,
  policy: RetryPolicy,
  now: number,
): JobCompletion {
  const lastStatusCode = result.kind === 'response' ? result.statusCode : null;
  if (outcome.kind === 'success') return { status: 'succeeded', lastError: null, lastStatusCode };

  const error = `${outcome.errorCode}: ${outcome.reason}`;
  switch (outcome.kind) {
    case 'retry': {
      const plan = policy.nextAttempt(job.attemptCount, job.maxAttempts, outcome.retryAfterMs);
      if (!plan) {
        return {
          status: 'dead',
          lastError: `attempts exhausted (${job.attemptCount} of ${job.maxAttempts}); last error ${error}`,
          lastStatusCode,
          goneReason: null,
        };
      }
      return {
        status: 'retrying',
        lastError: error,
        lastStatusCode,
        nextAttempt: plan.attempt,
        delayMs: plan.delayMs,
        nextAttemptAt: new Date(now + plan.delayMs),
      };
    }
    case 'dead':
      return { status: 'dead', lastError: error, lastStatusCode, goneReason: null };
    case 'disable-integration':
      return { status: 'dead', lastError: error, lastStatusCode, goneReason: outcome.reason };
  }
}

type FactJob = Pick<JobRecord, 'id' | 'eventId' | 'integrationId' | 'status' | 'attemptCount' | 'lastError'>;
/** `workspaceId`: the integration's, so a workspace's own audit listing shows its deliveries. */
type FactContext = { correlationId: string; occurredAt?: Date; workspaceId?: string };

function jobFact(action: string, factId: string, job: FactJob, attempt: AttemptSummary | undefined, context: FactContext,
  extra: Record<string, unknown> = {}): AuditFact {
  return auditFact({
    factId,
    entityType: 'job',
    entityId: job.id,
    action,
    actor: 'dispatcher',
    correlationId: context.correlationId,
    ...(context.occurredAt ? { occurredAt: context.occurredAt.toISOString() } : {}),
    ...(context.workspaceId ? { workspaceId: context.workspaceId } : {}),
    details: {
      eventId: job.eventId,
      integrationId: job.integrationId,
      attempt: attempt?.attemptNumber ?? null,
      statusCode: attempt?.statusCode ?? null,
      latencyMs: attempt?.latencyMs ?? null,
      errorCode: attempt?.errorCode ?? null,
      ...extra,
    },
  });
}

const TERMINAL_FACT: Partial<Record<JobStatus, string>> = {
  succeeded: 'delivered',
  // Jobs no longer end 'failed' (they retry, then die); rows from before retries existed still may.
  failed: 'failed',
  dead: 'dead_lettered',
};

/** job.delivered:<jobId>, job.dead_lettered:<jobId>:<attempts> (and legacy job.failed:<jobId>); undefined while the job is open. */
export function terminalJobFact(job: FactJob, attempt: AttemptSummary | undefined, context: FactContext): AuditFact | undefined {
  const action = TERMINAL_FACT[job.status];
  if (!action) return undefined;
  if (job.status === 'dead') {
    return jobFact(action, `job.${action}:${job.id}:${job.attemptCount}`, job, attempt, context, { reason: job.lastError });
  }
  return jobFact(action, `job.${action}:${job.id}`, job, attempt, context);
}

/** job.retry_scheduled:<jobId>:<failed attempt>. */
export function retryScheduledFact(job: FactJob, attempt: AttemptSummary | undefined, nextAttemptAt: Date | null, context: FactContext): AuditFact {
  return jobFact('retry_scheduled', `job.retry_scheduled:${job.id}:${job.attemptCount}`, job, attempt, context, {
    nextAttempt: job.attemptCount + 1,
    nextAttemptAt: nextAttemptAt?.toISOString() ?? null,
    lastError: job.lastError,
  });
}

/** integration.disabled:<integrationId>:<jobId>: the job whose end disabled the integration. */
export function integrationDisabledFact(job: FactJob, reason: string, statusCode: number | null, context: FactContext): AuditFact {
  return auditFact({
    factId: `integration.disabled:${job.integrationId}:${job.id}`,
    entityType: 'integration',
    entityId: job.integrationId,
    action: 'disabled',
    actor: 'dispatcher',
    correlationId: context.correlationId,
    ...(context.occurredAt ? { occurredAt: context.occurredAt.toISOString() } : {}),
    ...(context.workspaceId ? { workspaceId: context.workspaceId } : {}),
    details: { reason, statusCode, jobId: job.id, eventId: job.eventId },
  });
}

/**
 * A delivery's own facts may wait for company (AUDIT_PUBLISH_LINGER_MS): deliveries run side by side, so
 * on a quiet system their facts share messages. The rare second fact of an attempt (an integration
 * disabled) goes at once and takes the first along.
 */
const LINGER = { linger: true };

export class JobDelivery {
  private readonly now: () => number;

  constructor(private readonly deps: JobDeliveryDeps) {
    this.now = deps.now ?? Date.now;
  }

  async deliver(message: JobMessage, context: DeliveryContext): Promise<JobDeliveryResult> {
    const claimed = await this.deps.jobs.claim(message, context.redelivered);
    if (!claimed) return this.settleUnclaimed(message, context);
    context.onClaimed?.();
    return this.deliverClaimed(claimed, context);
  }

  /** The attempt a claim gave this process, or one its fan-out created claimed (DispatchJob.claimed). */
  async deliverClaimed(claimed: ClaimedJob, context: DeliveryContext): Promise<JobDeliveryResult> {
    const { jobs, sender, retryPolicy, circuitBreakerThreshold } = this.deps;
    const { job, event, target } = claimed;
    if (!event || !target) {
      // Deleting an event or integration cascades to its jobs, so this is a deletion racing the claim.
      context.logger.warn('job lost its event or integration; skipped', { jobId: job.id });
      return 'skipped';
    }
    if (target.state !== 'active') {
      // Not lost: the management service releases parked jobs when the integration is resumed.
      await jobs.park(job.id);
      context.logger.info('integration is not active; job parked', { jobId: job.id, state: target.state });
      return 'parked';
    }

    // A secret no key opens is this job's failure alone: recorded as an attempt that sent nothing.
    const signing = this.openSecrets(target);
    let request: WebhookRequest | undefined;
    let result: WebhookResult;
    if (signing.ok) {
      request = buildWebhookRequest({ event, secrets: signing.secrets, customHeaders: target.headers });
      result = await sender.send(target.url, request);
    } else {
      result = { kind: 'error', errorCode: SECRET_UNOPENABLE, message: signing.reason, latencyMs: 0, responseBody: null };
    }
    const now = this.now();
    const outcome = classifyOutcome(result, now);
    const completion = completionFor(outcome, result, job, retryPolicy, now);
    const attempt: AttemptRecord = {
      jobId: job.id,
      eventId: job.eventId,
      integrationId: job.integrationId,
      orderKey: job.orderKey,
      attemptNumber: job.attemptCount,
      status: outcome.kind === 'success' ? 'success' : 'failed',
      statusCode: result.kind === 'response' ? result.statusCode : null,
      latencyMs: result.latencyMs,
      requestUrl: target.url,
      requestHeaders: request?.headers ?? {},
      responseHeaders: result.kind === 'response' ? result.headers : null,
      responseBody: result.responseBody,
      errorCode: outcome.kind === 'success' ? null : outcome.errorCode,
      errorMessage: result.kind === 'error' ? result.message : outcome.kind === 'success' ? null : outcome.reason,
    };
    // The attempt log says what a dead ordered job does to its subject's later events.
    if (completion.status === 'dead' && job.orderKey !== null) {
      attempt.errorMessage = `${attempt.errorMessage ?? completion.lastError} [${orderingNote(target.orderingOnDead)}]`;
    }
    const goneReason = completion.status === 'dead' ? completion.goneReason : null;
    const recorded = await jobs.recordAttempt(attempt, completion,
      (streak) => disableReason(goneReason, streak, circuitBreakerThreshold));
    if (!recorded.recorded) {
      context.logger.warn('attempt finished after another consumer recorded it; result dropped', { jobId: job.id });
      return 'skipped';
    }
    const { publisher } = this.deps;

    this.deps.onAttempt?.(attempt, completion.status);
    // The next job of the subject goes (committed as pending with the attempt, so a crash before this
    // publish leaves it to a redelivered copy of this message, or to the sweeper).
    for (const next of recorded.released) await publisher.publishJob(next, context.correlationId);
    const settled: FactJob = { ...job, status: completion.status, lastError: completion.lastError };
    const facts = { correlationId: context.correlationId, workspaceId: target.workspaceId };
    if (completion.status === 'retrying') {
      await publisher.publishRetry(nextMessage(job), completion.delayMs, context.correlationId);
      await publisher.publishAudit(retryScheduledFact(settled, attempt, completion.nextAttemptAt, facts), LINGER);
    } else {
      if (completion.status === 'dead') {
        await publisher.publishDead({ reason: completion.lastError, jobId: job.id }, context.correlationId);
      }
      const fact = terminalJobFact(settled, attempt, facts);
      if (fact) await publisher.publishAudit(fact, LINGER);
      if (recorded.disabledReason !== null) {
        await publisher.publishAudit(integrationDisabledFact(settled, recorded.disabledReason, attempt.statusCode, facts));
        context.logger.warn('integration disabled', { integrationId: job.integrationId, reason: recorded.disabledReason });
        if (attempt.errorCode === SECRET_UNOPENABLE) this.deps.onUnopenable?.(job.integrationId);
      }
    }
    // A success would be one line per webhook at full rate, and its attempt is stored and audited anyway:
    // debug (winston formats a line before it checks the level, hence logsDebug). A retry or a dead job,
    // what an operator acts on, stays at info.
    const line = {
      jobId: job.id, attempt: attempt.attemptNumber, status: completion.status,
      statusCode: attempt.statusCode, errorCode: attempt.errorCode, latencyMs: attempt.latencyMs,
      ...(completion.status === 'retrying' ? { nextAttempt: completion.nextAttempt, delayMs: completion.delayMs } : {}),
    };
    if (completion.status !== 'succeeded') context.logger.info('delivery attempt recorded', line);
    else if (logsDebug(context.logger)) context.logger.debug('delivery attempt recorded', line);
    return completion.status;
  }

  private openSecrets(target: DeliveryTarget): { ok: true; secrets: string[] } | { ok: false; reason: string } {
    try {
      const sealed = [target.secretSealed, ...(target.previousSecretSealed ? [target.previousSecretSealed] : [])];
      return { ok: true, secrets: sealed.map((value) => this.deps.openSecret(value)) };
    } catch (error) {
      return { ok: false, reason: unopenableReason(error) };
    }
  }

  /**
   * The message could not claim its job. When RabbitMQ redelivered attempt N of a job that already
   * recorded attempt N, the process died (or the broker failed) after the commit and before the
   * publishes: a retry owed is published again (not delivered again), and so is a dead letter. The
   * audit facts of a finished job are published again for any copy; their fixed ids make that harmless.
   */
  private async settleUnclaimed(message: JobMessage, context: DeliveryContext): Promise<JobDeliveryResult> {
    const { jobs, integrations, publisher, retryPolicy } = this.deps;
    const job = await jobs.findById(message.jobId);
    if (!job) {
      context.logger.warn('job message for an unknown job; skipped', { jobId: message.jobId });
      return 'skipped';
    }
    const owesFollowUp = context.redelivered && job.attemptCount === message.attempt;

    if (owesFollowUp && job.status === 'retrying') {
      const remaining = job.nextAttemptAt ? job.nextAttemptAt.getTime() - this.now() : 0;
      const delayMs = remaining > 0 && retryPolicy.tiersMs.length > 0 ? retryPolicy.tierFor(remaining) : 0;
      await publisher.publishRetry(nextMessage(job), delayMs, context.correlationId);
      const lastAttempt = await jobs.lastAttempt(job.id);
      await publisher.publishAudit(retryScheduledFact(job, lastAttempt, job.nextAttemptAt, { correlationId: context.correlationId }));
      context.logger.info('redelivered attempt was already recorded; its retry published again', {
        jobId: job.id, attempt: message.attempt, delayMs,
      });
      return 'resumed';
    }
    if (owesFollowUp && job.status === 'dead') {
      await publisher.publishDead({ reason: job.lastError ?? 'dead', jobId: job.id }, context.correlationId);
    }
    // An ordered job's end released the next of its subject; that job's first message may be the one owed.
    if (owesFollowUp && job.orderKey !== null && TERMINAL_JOB_STATUSES.includes(job.status)) {
      const next = await jobs.subjectHead(job.integrationId, job.orderKey);
      if (next) await publisher.publishJob(next, context.correlationId);
    }

    const lastAttempt = await jobs.lastAttempt(job.id);
    const facts = { correlationId: context.correlationId, ...(job.completedAt ? { occurredAt: job.completedAt } : {}) };
    const fact = terminalJobFact(job, lastAttempt, facts);
    if (fact) await publisher.publishAudit(fact);
    if (job.status === 'dead') {
      const reason = await integrations.disabledByJob(job.integrationId, job.id);
      if (reason !== undefined) await publisher.publishAudit(integrationDisabledFact(job, reason, job.lastStatusCode, facts));
    }
    context.logger.debug('job message skipped: job already taken or done', {
      jobId: job.id, status: job.status, attemptCount: job.attemptCount, attempt: message.attempt,
    });
    return 'skipped';
  }
}

function orderingNote(onDead: OrderingOnDead): string {
  return onDead === 'skip'
    ? 'ordered by subject, onDead skip: the subject\'s next event goes on'
    : 'ordered by subject, onDead block: the subject\'s later events wait until this event is replayed';
}

function nextMessage(job: Pick<JobRecord, 'id' | 'eventId' | 'integrationId' | 'attemptCount'>): JobMessage {
  return { jobId: job.id, eventId: job.eventId, integrationId: job.integrationId, attempt: job.attemptCount + 1 };
}
