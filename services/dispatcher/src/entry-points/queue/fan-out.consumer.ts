// hookway.dispatcher.events: validates the event message and hands it to the fan-out.
import type { ConsumeHandler } from '@hookway/broker';
import { isEventMessage, parseMessage } from '@hookway/contracts';
import type { Logger } from '@hookway/logger';
import { Batcher, isBatchFaultOfOne } from '@hookway/db';
import type { FanOut, FanOutRequest, FanOutResult } from '../../domain/fan-out.js';
import { correlationIdOf } from './message-context.js';

/** `fanOut` may gather the messages that arrive together into one fan-out (see FanOut.dispatchMany). */
export function fanOutConsumer(fanOut: (request: FanOutRequest) => Promise<FanOutResult>, logger: Logger): ConsumeHandler {
  return async (message) => {
    const parsed = parseMessage(message.content, isEventMessage);
    if (!parsed.ok) {
      logger.warn('unreadable event message dead-lettered', { reason: parsed.reason });
      return { action: 'dead', reason: parsed.reason };
    }
    const correlationId = correlationIdOf(message, parsed.value.eventId);
    const log = logger.child({ correlationId, eventId: parsed.value.eventId, kind: parsed.value.kind });
    const result = await fanOut({ message: parsed.value, context: { correlationId, logger: log, redelivered: message.fields.redelivered } });
    if (result.outcome === 'rejected') {
      log.warn('event message dead-lettered', { reason: result.reason });
      return { action: 'dead', reason: result.reason };
    }
    // Held until the first attempts this process started have ended: if it dies first, the redelivered
    // message takes them over (FanOut: firstAttemptClaimed) instead of leaving them to the sweeper.
    await result.firstAttempts;
    return { action: 'ack' };
  };
}

/**
 * Gathers the messages that arrive together (at most one prefetch window, two batches at once) into one
 * FanOut.dispatchMany. A batch PostgreSQL aborted (a deadlock, or a value one message carries that it
 * refuses) is fanned out again message by message, so only the message at fault fails; fan-out is idempotent.
 */
export function batchedFanOut(
  fanOut: FanOut,
  options: { maxBatchSize: number; onBatch?: (size: number) => void },
): (request: FanOutRequest) => Promise<FanOutResult> {
  const batches = new Batcher<FanOutRequest, FanOutResult>(
    (requests) => {
      options.onBatch?.(requests.length);
      return fanOut.dispatchMany(requests);
    },
    { maxSize: options.maxBatchSize, maxInFlight: 2, retryAlone: isBatchFaultOfOne },
  );
  return (request) => batches.add(request);
}
