// Consumes hookway.audit: validate, append, then ack. A message holds one fact or a batch of them; each
// fact is appended once, in the message's order. A database outage requeues the message (after a pause);
// a message that can never be parsed goes to the dead exchange, and so does, alone, a fact of it that
// fails its schema or that PostgreSQL refuses to store, while the others are appended.
import type { ConsumeHandler } from '@hookway/broker';
import { parseAuditMessage, type AuditFact, type ChainedEntry, type RefusedPart } from '@hookway/contracts';
import { isDatabaseUnavailable, isDataException } from '@hookway/db';
import { errorFields, type Logger } from '@hookway/logger';
import { toChainedEntry } from '../../domain/audit-entry.js';
import type { AppendResult } from '../../domain/ports.js';

export interface AuditAppender {
  /** Appends one entry; entries handed over in one turn are appended in the order they were handed over. */
  append(entry: ChainedEntry): Promise<AppendResult>;
}

export function auditFactConsumer(log: AuditAppender, logger: Logger, onAppended: (action: string) => void = () => undefined): ConsumeHandler {
  return async (message) => {
    const parsed = parseAuditMessage(message.content);
    if (!parsed.ok) {
      logger.warn('unparseable audit fact dead-lettered', { reason: parsed.reason });
      return { action: 'dead', reason: parsed.reason };
    }
    for (const part of parsed.invalid) logger.warn('unparseable audit fact dead-lettered', { reason: part.reason });
    // All handed over at once, so a batch message shares an append transaction (the appender batches
    // them); each fact still settles on its own, so one refused fact fails only itself.
    const outcomes = await Promise.allSettled(parsed.facts.map(async (fact) => {
      const result = await log.append(toChainedEntry(fact));
      if (result.appended) {
        onAppended(`${fact.entityType}.${fact.action}`);
        logger.debug('audit entry appended', { factId: fact.factId, id: result.id });
      }
    }));
    const refused: RefusedPart[] = [...parsed.invalid];
    let requeue = false;
    outcomes.forEach((outcome, index) => {
      const fact = parsed.facts[index];
      if (outcome.status === 'fulfilled' || !fact) return;
      const failure = appendFailed(outcome.reason, fact, logger);
      if (failure) refused.push(failure);
      else requeue = true;
    });
    // Handed back whole: the facts already stored are skipped next time (factId), the others appended.
    if (requeue) return { action: 'requeue' };
    if (refused.length === 0) return { action: 'ack' };
    // A message that was one fact goes to the dead exchange as it arrived; the refused facts of a batch
    // go each alone, the rest of the batch having been appended.
    const [only] = refused;
    if (parsed.facts.length + parsed.invalid.length === 1 && only) return { action: 'dead', reason: only.reason };
    return { action: 'dead-parts', parts: refused };
  };
}

/**
 * A value PostgreSQL refuses is refused on every redelivery too: that fact is dead-lettered (the refused
 * part is returned). Anything else may pass later: undefined, and the message is handed back.
 */
function appendFailed(error: unknown, fact: AuditFact, logger: Logger): RefusedPart | undefined {
  const { factId } = fact;
  if (isDataException(error)) {
    const { code } = error as { code: string };
    logger.warn('audit fact refused by the database; dead-lettered', { factId, ...errorFields(error) });
    return {
      reason: `the database refused the fact (SQLSTATE ${code}): ${error instanceof Error ? error.message : String(error)}`,
      original: JSON.stringify(fact),
      ...(fact.correlationId ? { correlationId: fact.correlationId } : {}),
    };
  }
  if (!isDatabaseUnavailable(error)) logger.error('audit append failed', { factId, ...errorFields(error) });
  return undefined;
}
