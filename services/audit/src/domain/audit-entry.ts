// Turns a fact from the bus into the entry the chain protects: timestamps normalised to the
// millisecond ISO form PostgreSQL gives back, so verification recomputes the very same bytes.
import type { AuditFact, ChainedEntry } from '@hookway/contracts';
import { redactSecrets } from './redact.js';

export function toChainedEntry(fact: AuditFact): ChainedEntry {
  return {
    factId: fact.factId,
    entityType: fact.entityType,
    entityId: fact.entityId,
    action: fact.action,
    actor: fact.actor,
    correlationId: fact.correlationId ?? null,
    occurredAt: new Date(fact.occurredAt).toISOString(),
    details: redactSecrets(fact.details) as Record<string, unknown>,
  };
}
