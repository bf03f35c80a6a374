// Appends to the hash chain. Appends are serialised by a transaction-scoped advisory lock, so any
// number of audit replicas extend one chain; a fact already recorded (same factId) is not appended again.
import { chainHash, GENESIS_HASH, type ChainedEntry } from '@hookway/contracts';
import { PreparedQueries, prepared, type Knex } from '@hookway/db';

const CHAIN_LOCK = 0x686f6f6b; // "hook": one advisory lock id for the audit chain

// The lock is a statement of its own: under READ COMMITTED each statement takes its snapshot when it
// starts, so only a read issued after the lock is granted sees the chain's true end.
const LOCK_CHAIN = prepared('audit_lock_chain', 'SELECT pg_advisory_xact_lock($1::bigint)');

const READ_CHAIN = prepared('audit_read_chain', `
  SELECT (SELECT hash FROM audit_entries ORDER BY id DESC LIMIT 1) AS last_hash,
         ARRAY(SELECT fact_id FROM audit_entries WHERE fact_id = ANY($1::text[])) AS stored`);

// Rows go in in the order given, so their ids ascend along the chain (checked below all the same).
const APPEND = prepared('audit_append', `
  INSERT INTO audit_entries (fact_id, entity_type, entity_id, action, actor, correlation_id, details, occurred_at, prev_hash, hash)
  SELECT fact_id, entity_type, entity_id, action, actor, correlation_id, details, occurred_at, prev_hash, hash
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::timestamptz[],
                $9::text[], $10::text[]) WITH ORDINALITY
      AS entry(fact_id, entity_type, entity_id, action, actor, correlation_id, details, occurred_at, prev_hash, hash, position)
   ORDER BY position
  RETURNING id, fact_id`);

export type AppendResult = { appended: true; id: number; hash: string } | { appended: false };

export class AuditLogRepository {
  private readonly sql: PreparedQueries;

  constructor(private readonly db: Knex) {
    this.sql = new PreparedQueries(db);
  }

  /** Entries in the chain (ids are gap-free only while nothing was deleted: count, do not trust max(id)). */
  async length(): Promise<number> {
    const row = await this.db('audit_entries').count<{ count: number }[]>({ count: '*' }).first();
    return row?.count ?? 0;
  }

  /**
   * Appends entries in their order, in one transaction: four round trips for the whole batch instead of
   * several per entry. A factId already stored, or repeated earlier in the batch, is not appended.
   * Prepared statements on purpose: this is the service's hot path.
   */
  async appendMany(entries: readonly ChainedEntry[]): Promise<AppendResult[]> {
    if (entries.length === 0) return [];
    return this.sql.transaction(async (tx) => {
      await tx.query(LOCK_CHAIN, [CHAIN_LOCK]);
      const [chain] = await tx.query<{ last_hash: string | null; stored: string[] }>(READ_CHAIN, [[...new Set(entries.map((entry) => entry.factId))]]);
      const seen = new Set(chain?.stored);
      const fresh: ChainedEntry[] = [];
      const isFresh = entries.map((entry) => {
        if (seen.has(entry.factId)) return false;
        seen.add(entry.factId);
        fresh.push(entry);
        return true;
      });
      if (fresh.length === 0) return entries.map(() => ({ appended: false }));

      let prevHash = chain?.last_hash ?? GENESIS_HASH;
      const prevHashes: string[] = [];
      const hashes = new Map<string, string>();
      for (const entry of fresh) {
        const hash = chainHash(prevHash, entry);
        prevHashes.push(prevHash);
        hashes.set(entry.factId, hash);
        prevHash = hash;
      }
      const column = <T>(pick: (entry: ChainedEntry) => T): T[] => fresh.map(pick);
      const inserted = await tx.query<{ id: number; fact_id: string }>(APPEND, [
        column((entry) => entry.factId), column((entry) => entry.entityType), column((entry) => entry.entityId),
        column((entry) => entry.action), column((entry) => entry.actor), column((entry) => entry.correlationId),
        column((entry) => JSON.stringify(entry.details)), column((entry) => entry.occurredAt),
        prevHashes, column((entry) => hashes.get(entry.factId)),
      ]);
      // Matched on fact_id rather than trusting RETURNING to follow the input order. Verification walks
      // the chain by id, so ids must also ascend in chain order: if not, roll back rather than store a broken chain.
      const ids = new Map(inserted.map((row) => [row.fact_id, row.id]));
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
