// Consumes hookway.audit: validate, append, then ack. A database outage requeues (after a pause);
// a fact that can never be parsed, or that PostgreSQL refuses to store, goes to the dead exchange.
import type { ConsumeHandler, ConsumeOutcome } from '@hookway/broker';
import { isAuditFact, parseMessage, type ChainedEntry } from '@hookway/contracts';
import { isDatabaseUnavailable, isDataException } from '@hookway/db';
import { errorFields, type Logger } from '@hookway/logger';
import { toChainedEntry } from '../../domain/audit-entry.js';
import type { AppendResult } from '../../domain/ports.js';

export interface AuditAppender {
  append(entry: ChainedEntry): Promise<AppendResult>;
}

export function auditFactConsumer(log: AuditAppender, logger: Logger, onAppended: (action: string) => void = () => undefined): ConsumeHandler {
  return async (message) => {
    const parsed = parseMessage(message.content, isAuditFact);
    if (!parsed.ok) {
      logger.warn('unparseable audit fact dead-lettered', { reason: parsed.reason });
      return { action: 'dead', reason: parsed.reason };
    }
    try {
      const result = await log.append(toChainedEntry(parsed.value));
      if (result.appended) {
        onAppended(`${parsed.value.entityType}.${parsed.value.action}`);
        logger.debug('audit entry appended', { factId: parsed.value.factId, id: result.id });
      }
      return { action: 'ack' };
    } catch (error) {
      return appendFailed(error, parsed.value.factId, logger);
    }
  };
}

/** A value PostgreSQL refuses is refused on every redelivery too: dead-letter it; anything else may pass. */
function appendFailed(error: unknown, factId: string, logger: Logger): ConsumeOutcome {
  if (isDataException(error)) {
    const { code } = error as { code: string };
    logger.warn('audit fact refused by the database; dead-lettered', { factId, ...errorFields(error) });
    return { action: 'dead', reason: `the database refused the fact (SQLSTATE ${code}): ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!isDatabaseUnavailable(error)) logger.error('audit append failed', { factId, ...errorFields(error) });
  return { action: 'requeue' };
}
