// hookway.dispatcher.jobs: validates the job message and makes the delivery attempt it names.
import type { ConsumeHandler } from '@hookway/broker';
import { isJobMessage, parseMessage } from '@hookway/contracts';
import type { Logger } from '@hookway/logger';
import type { JobDelivery } from '../../domain/job-delivery.js';
import { correlationIdOf } from './message-context.js';

export function deliverJobConsumer(delivery: JobDelivery, logger: Logger): ConsumeHandler {
  return async (message) => {
    const parsed = parseMessage(message.content, isJobMessage);
    if (!parsed.ok) {
      logger.warn('unreadable job message dead-lettered', { reason: parsed.reason });
      return { action: 'dead', reason: parsed.reason };
    }
    const job = parsed.value;
    const correlationId = correlationIdOf(message, job.eventId);
    await delivery.deliver(job, {
      redelivered: message.fields.redelivered,
      correlationId,
      logger: logger.child({ correlationId, jobId: job.jobId, eventId: job.eventId, attempt: job.attempt }),
    });
    return { action: 'ack' };
  };
}
