// Consumes hookway.audit: validate, append, then ack. A database outage requeues (after a pause);
// a fact that can never be parsed goes to the dead exchange.
import type { ConsumeHandler } from '@hookway/broker';
import { isAuditFact, parseMessage, type ChainedEntry } from '@hookway/contracts';
import { isDatabaseUnavailable } from '@hookway/db';
import { errorFields, type Logger } from '@hookway/logger';
import { toChainedEntry } from '../../domain/audit-entry.js';
import type { AppendResult } from '../../data-access/audit-log.repository.js';

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
      if (isDatabaseUnavailable(error)) return { action: 'requeue' };
      logger.error('audit append failed', { factId: parsed.value.factId, ...errorFields(error) });
      return { action: 'requeue' };
    }
  };
}
