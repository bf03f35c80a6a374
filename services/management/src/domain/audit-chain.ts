// Verifies the tamper-evident audit log: every entry must link to the hash of the one before it and
// hash to what it says. An edited entry breaks its own hash; a deleted one breaks the next link.
import { chainHash, GENESIS_HASH, type ChainedEntry } from '@hookway/contracts';
import type { AuditEntry } from './ports.js';

/** A stored entry as far as the chain is concerned: what was hashed, the links, the id (not the bookkeeping). */
export type StoredChainEntry = Omit<AuditEntry, 'recordedAt' | 'requeued' | 'error'>;

export interface ChainVerdict {
  valid: boolean;
  /** Entries examined, including the first invalid one. */
  checked: number;
  firstInvalidId: number | null;
}

/** The fields the chain protects, in the exact form the audit service hashed them. */
export function chainedFields(entry: StoredChainEntry): ChainedEntry {
  return {
    factId: entry.factId,
    entityType: entry.entityType,
    entityId: entry.entityId,
    action: entry.action,
    actor: entry.actor,
    correlationId: entry.correlationId ?? null,
    occurredAt: entry.occurredAt.toISOString(),
    details: entry.details,
    // A NULL workspace was no field at all when hashed (and entries from before workspaces had none).
    workspaceId: entry.workspaceId ?? undefined,
  };
}

export async function verifyChain(entries: AsyncIterable<StoredChainEntry>): Promise<ChainVerdict> {
  let expectedPrev = GENESIS_HASH;
  let checked = 0;
  for await (const entry of entries) {
    checked += 1;
    if (entry.prevHash !== expectedPrev || chainHash(entry.prevHash, chainedFields(entry)) !== entry.hash) {
      return { valid: false, checked, firstInvalidId: entry.id };
    }
    expectedPrev = entry.hash;
  }
  return { valid: true, checked, firstInvalidId: null };
}
