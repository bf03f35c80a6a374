// hookway.dispatcher.jobs: validates the job message and makes the delivery attempt it names.
import type { ConsumeHandler } from '@hookway/broker';
import { isJobMessage, isTakeover, parseMessage, type JobMessage } from '@hookway/contracts';
import type { Logger } from '@hookway/logger';
import type { JobDelivery } from '../../domain/job-delivery.js';
import type { ClaimedJob } from '../../domain/ports.js';
import type { DeliveryPacer } from '../../domain/rate-limiter.js';
import { correlationIdOf } from './message-context.js';

/** One attempt of a job, from its message or started in process by the fan-out (first-attempts.ts). */
export type JobAttempt = (job: JobMessage, context: { correlationId: string; redelivered: boolean; onClaimed?: () => void }) => Promise<void>;

/** With a pacer, a job its integration's rate limit holds back is republished to wait before any claim. */
export function pacedAttempt(delivery: JobDelivery, logger: Logger, pacer?: DeliveryPacer): JobAttempt {
  return async (job, { correlationId, redelivered, onClaimed }) => {
    if (pacer && (await pacer.admit(job, correlationId, { takeover: redelivered })) === 'deferred') return;
    await delivery.deliver(job, { redelivered, correlationId, logger: attemptLogger(logger, job, correlationId), onClaimed });
  };
}

/** The attempt of a job its fan-out created claimed (first-attempts.ts): no pacing, no claim. */
export function claimedAttempt(delivery: JobDelivery, logger: Logger): (claimed: ClaimedJob, context: { correlationId: string }) => Promise<void> {
  return async (claimed, { correlationId }) => {
    const { job } = claimed;
    const named = { jobId: job.id, eventId: job.eventId, attempt: job.attemptCount };
    await delivery.deliverClaimed(claimed, { redelivered: false, correlationId, logger: attemptLogger(logger, named, correlationId) });
  };
}

function attemptLogger(logger: Logger, job: Pick<JobMessage, 'jobId' | 'eventId' | 'attempt'>, correlationId: string): Logger {
  return logger.child({ correlationId, jobId: job.jobId, eventId: job.eventId, attempt: job.attempt });
}

export function deliverJobConsumer(attempt: JobAttempt, logger: Logger): ConsumeHandler {
  return async (message) => {
    const parsed = parseMessage(message.content, isJobMessage);
    if (!parsed.ok) {
      logger.warn('unreadable job message dead-lettered', { reason: parsed.reason });
      return { action: 'dead', reason: parsed.reason };
    }
    const job = parsed.value;
    // A copy that stands in for a redelivery (held by a pacing queue, or handed back by a failed
    // in-process attempt) may take its attempt over as RabbitMQ's own redelivery may.
    const redelivered = message.fields.redelivered || isTakeover(message.properties.headers);
    await attempt(job, { correlationId: correlationIdOf(message, job.eventId), redelivered });
    return { action: 'ack' };
  };
}
