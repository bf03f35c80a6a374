// Turns a fact from the bus into the entry the chain protects: timestamps normalised to the
// millisecond ISO form PostgreSQL gives back, so verification recomputes the very same bytes. A fact
// without a workspace leaves `workspaceId` out of the entry (never null), so its hash is the one it
// would have had before entries carried workspaces.
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
    ...(typeof fact.workspaceId === 'string' ? { workspaceId: fact.workspaceId } : {}),
  };
}
