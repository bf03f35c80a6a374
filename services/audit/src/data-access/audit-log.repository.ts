// Appends to the hash chain. Appends are serialised by a transaction-scoped advisory lock, so any
// number of audit replicas extend one chain; a fact already recorded (same factId) is not appended again.
import { chainHash, GENESIS_HASH, type ChainedEntry } from '@hookway/contracts';
import type { Knex } from '@hookway/db';

const CHAIN_LOCK = 0x686f6f6b; // "hook": one advisory lock id for the audit chain

export type AppendResult = { appended: true; id: number; hash: string } | { appended: false };

export class AuditLogRepository {
  constructor(private readonly db: Knex) {}

  /** Entries in the chain (ids are gap-free only while nothing was deleted: count, do not trust max(id)). */
  async length(): Promise<number> {
    const row = await this.db('audit_entries').count<{ count: number }[]>({ count: '*' }).first();
    return row?.count ?? 0;
  }

  async append(entry: ChainedEntry): Promise<AppendResult> {
    return this.db.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(?)', [CHAIN_LOCK]);
      const existing = await trx('audit_entries').where({ fact_id: entry.factId }).first<{ id: number } | undefined>('id');
      if (existing) return { appended: false };
      const last = await trx('audit_entries').orderBy('id', 'desc').first<{ hash: string } | undefined>('hash');
      const prevHash = last?.hash ?? GENESIS_HASH;
      const hash = chainHash(prevHash, entry);
      const [row] = await trx('audit_entries')
        .insert({
          fact_id: entry.factId,
          entity_type: entry.entityType,
          entity_id: entry.entityId,
          action: entry.action,
          actor: entry.actor,
          correlation_id: entry.correlationId,
          details: JSON.stringify(entry.details),
          occurred_at: entry.occurredAt,
          prev_hash: prevHash,
          hash,
        })
        .returning<{ id: number }[]>('id');
      return { appended: true, id: (row as { id: number }).id, hash };
    });
  }
}
