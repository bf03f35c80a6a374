// hookway.dispatcher.jobs: validates the job message and makes the delivery attempt it names.
import type { ConsumeHandler } from '@hookway/broker';
import { isJobMessage, parseMessage } from '@hookway/contracts';
import type { Logger } from '@hookway/logger';
import type { JobDelivery } from '../../domain/job-delivery.js';
import type { DeliveryPacer } from '../../domain/rate-limiter.js';
import { correlationIdOf } from './message-context.js';

/** With a pacer, a job its integration's rate limit holds back is republished to wait (and this copy acked) before any claim. */
export function deliverJobConsumer(delivery: JobDelivery, logger: Logger, pacer?: DeliveryPacer): ConsumeHandler {
  return async (message) => {
    const parsed = parseMessage(message.content, isJobMessage);
    if (!parsed.ok) {
      logger.warn('unreadable job message dead-lettered', { reason: parsed.reason });
      return { action: 'dead', reason: parsed.reason };
    }
    const job = parsed.value;
    const correlationId = correlationIdOf(message, job.eventId);
    if (pacer && (await pacer.admit(job, correlationId)) === 'deferred') return { action: 'ack' };
    await delivery.deliver(job, {
      redelivered: message.fields.redelivered,
      correlationId,
      logger: logger.child({ correlationId, jobId: job.jobId, eventId: job.eventId, attempt: job.attempt }),
    });
    return { action: 'ack' };
  };
}
