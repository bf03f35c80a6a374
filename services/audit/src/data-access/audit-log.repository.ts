// Appends to the hash chain. Appends are serialised by a transaction-scoped advisory lock, so any
// number of audit replicas extend one chain; a fact already recorded (same factId) is not appended again.
import { chainHash, GENESIS_HASH, type ChainedEntry } from '@hookway/contracts';
import type { Knex } from '@hookway/db';

const CHAIN_LOCK = 0x686f6f6b; // "hook": one advisory lock id for the audit chain

const INSERT_COLUMNS = 'fact_id, entity_type, entity_id, action, actor, correlation_id, details, occurred_at, prev_hash, hash';
const INSERT_ROW = '(?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)';

export type AppendResult = { appended: true; id: number; hash: string } | { appended: false };

export class AuditLogRepository {
  constructor(private readonly db: Knex) {}

  /** Entries in the chain (ids are gap-free only while nothing was deleted: count, do not trust max(id)). */
  async length(): Promise<number> {
    const row = await this.db('audit_entries').count<{ count: number }[]>({ count: '*' }).first();
    return row?.count ?? 0;
  }

  /**
   * Appends entries in their order, in one transaction: a handful of round trips for the whole batch
   * instead of per entry. A factId already stored, or repeated earlier in the batch, is not appended.
   * Raw SQL on purpose: this is the service's hot path and knex's builder costs measurable CPU.
   */
  async appendMany(entries: readonly ChainedEntry[]): Promise<AppendResult[]> {
    if (entries.length === 0) return [];
    return this.db.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(?)', [CHAIN_LOCK]);
      const factIds = [...new Set(entries.map((entry) => entry.factId))];
      const stored = await trx.raw<{ rows: { fact_id: string }[] }>('select fact_id from audit_entries where fact_id = any(?)', [factIds]);
      const seen = new Set(stored.rows.map((row) => row.fact_id));
      const fresh: ChainedEntry[] = [];
      const isFresh = entries.map((entry) => {
        if (seen.has(entry.factId)) return false;
        seen.add(entry.factId);
        fresh.push(entry);
        return true;
      });
      if (fresh.length === 0) return entries.map(() => ({ appended: false }));

      const last = await trx.raw<{ rows: { hash: string }[] }>('select hash from audit_entries order by id desc limit 1');
      let prevHash = last.rows[0]?.hash ?? GENESIS_HASH;
      const hashes = new Map<string, string>();
      const bindings: Array<string | null> = [];
      for (const entry of fresh) {
        const hash = chainHash(prevHash, entry);
        bindings.push(
          entry.factId, entry.entityType, entry.entityId, entry.action, entry.actor, entry.correlationId,
          JSON.stringify(entry.details), entry.occurredAt, prevHash, hash,
        );
        hashes.set(entry.factId, hash);
        prevHash = hash;
      }
      const inserted = await trx.raw<{ rows: { id: number; fact_id: string }[] }>(
        `insert into audit_entries (${INSERT_COLUMNS}) values ${Array(fresh.length).fill(INSERT_ROW).join(', ')} returning id, fact_id`,
        bindings,
      );
      // Matched on fact_id rather than trusting RETURNING to follow the VALUES order. Verification walks
      // the chain by id, so ids must also ascend in chain order: if not, roll back rather than store a broken chain.
      const ids = new Map(inserted.rows.map((row) => [row.fact_id, row.id]));
      let previousId = 0;
      for (const entry of fresh) {
        const id = ids.get(entry.factId);
        if (id === undefined || id <= previousId) throw new Error(`audit entry ids do not follow the chain order at fact ${entry.factId}`);
        previousId = id;
      }
      return entries.map((entry, index): AppendResult =>
        isFresh[index]
          ? { appended: true, id: ids.get(entry.factId) as number, hash: hashes.get(entry.factId) as string }
          : { appended: false },
      );
    });
  }
}
