// Audit facts and the hash chain over them. The canonical form is what gets hashed, so the audit
// service (which appends) and the management API (which verifies) must share this one definition.
import { createHash } from 'node:crypto';
import type { AuditFact } from './messages.js';

export const GENESIS_HASH = '0'.repeat(64);

export function auditFact(fact: Omit<AuditFact, 'occurredAt' | 'details'> & { occurredAt?: string; details?: Record<string, unknown> }): AuditFact {
  return {
    ...fact,
    occurredAt: fact.occurredAt ?? new Date().toISOString(),
    details: fact.details ?? {},
  };
}

/** JSON with object keys sorted at every depth: the same value always serializes to the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

/**
 * The fields of an entry that the chain protects, as stored. `workspaceId` is left out (not null) for an entry
 * about no one workspace: canonicalJson drops undefined fields, so such an entry, and every entry appended before
 * workspaces existed, hashes exactly as it did before the field was added.
 */
export interface ChainedEntry {
  factId: string;
  entityType: string;
  entityId: string;
  action: string;
  actor: string;
  correlationId: string | null;
  occurredAt: string;
  details: Record<string, unknown>;
  workspaceId?: string;
}

/** hash = sha256(prev_hash || canonical entry), hex. */
export function chainHash(prevHash: string, entry: ChainedEntry): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(entry)).digest('hex');
}
