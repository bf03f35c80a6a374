// Appends to the hash chain. Appends are serialised by a transaction-scoped advisory lock, so any
// number of audit replicas extend one chain; a fact already recorded (same factId) is not appended again.
// The append is the service's hot path: four round trips per batch, no query builder (see appendMany).
import { chainHash, GENESIS_HASH, type ChainedEntry } from '@hookway/contracts';
import { PreparedQueries, prepared, type AuditEntryRow, type Knex } from '@hookway/db';
import type { AppendResult } from '../domain/ports.js';

const CHAIN_LOCK = 0x686f6f6b; // "hook": one advisory lock id for the audit chain

// Sent with the BEGIN, in one round trip. The reads come in the next statement: under READ COMMITTED
// its snapshot is taken after the lock was granted, so it sees the entries of the append before.
const BEGIN_LOCKED = `BEGIN; SELECT pg_advisory_xact_lock(${CHAIN_LOCK})`;

// The chain's head and which of the batch's facts are already stored. Planned on every call: a generic
// plan settled while the table was small would scan all of it for the facts.
const HEAD_AND_STORED = prepared('audit_head_and_stored', `
  SELECT (SELECT hash FROM audit_entries ORDER BY id DESC LIMIT 1) AS head,
         ARRAY(SELECT fact_id FROM audit_entries WHERE fact_id = ANY($1::text[])) AS stored`, { planEachCall: true });

// Rows are inserted in array order, so ids ascend in chain order (appendMany checks it).
const INSERT_ENTRIES = prepared('audit_insert_entries', `
  INSERT INTO audit_entries (fact_id, entity_type, entity_id, action, actor, correlation_id, details, occurred_at, prev_hash, hash,
                             workspace_id)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[],
                       $8::timestamptz[], $9::text[], $10::text[], $11::uuid[])
  RETURNING id, fact_id`);

export class AuditLogRepository {
  private readonly sql: PreparedQueries;

  constructor(private readonly db: Knex) {
    this.sql = new PreparedQueries(db);
  }

  /** Entries in the chain (ids are gap-free only while nothing was deleted: count, do not trust max(id)). */
  async length(): Promise<number> {
    const row = await this.db<AuditEntryRow>('audit_entries').count<{ count: number }[]>({ count: '*' }).first();
    return row?.count ?? 0;
  }

  /**
   * Appends entries in their order, in one transaction: BEGIN with the chain lock, one read, one insert
   * and COMMIT for the whole batch. A factId already stored, or repeated earlier in the batch, is not appended.
   */
  async appendMany(entries: readonly ChainedEntry[]): Promise<AppendResult[]> {
    if (entries.length === 0) return [];
    return this.sql.transaction(async (tx) => {
      const factIds = [...new Set(entries.map((entry) => entry.factId))];
      const [read] = await tx.query<{ head: string | null; stored: string[] }>(HEAD_AND_STORED, [factIds]);
      const seen = new Set(read?.stored ?? []);
      const fresh: ChainedEntry[] = [];
      const isFresh = entries.map((entry) => {
        if (seen.has(entry.factId)) return false;
        seen.add(entry.factId);
        fresh.push(entry);
        return true;
      });
      if (fresh.length === 0) return entries.map(() => ({ appended: false }));

      let prevHash = read?.head ?? GENESIS_HASH;
      const hashes = new Map<string, string>();
      const prevHashes: string[] = [];
      for (const entry of fresh) {
        const hash = chainHash(prevHash, entry);
        prevHashes.push(prevHash);
        hashes.set(entry.factId, hash);
        prevHash = hash;
      }
      const column = <T>(pick: (entry: ChainedEntry) => T): T[] => fresh.map(pick);
      const inserted = await tx.query<Pick<AuditEntryRow, 'id' | 'fact_id'>>(INSERT_ENTRIES, [
        column((entry) => entry.factId),
        column((entry) => entry.entityType),
        column((entry) => entry.entityId),
        column((entry) => entry.action),
        column((entry) => entry.actor),
        column((entry) => entry.correlationId),
        column((entry) => JSON.stringify(entry.details)),
        column((entry) => entry.occurredAt),
        prevHashes,
        column((entry) => hashes.get(entry.factId)),
        // Null for an entry about no one workspace: verification reads it back as an absent field.
        column((entry) => entry.workspaceId ?? null),
      ]);
      // Matched on fact_id rather than trusting RETURNING to follow the insert order. Verification walks
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
    }, { begin: BEGIN_LOCKED });
  }
}
