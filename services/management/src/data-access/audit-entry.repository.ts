// Reads the hash-chained audit log: filtered pages for operators, and id-ordered batches for verification.
import { AUDIT_ENTRY_COLUMNS as COLUMNS, toAuditEntry as toAuditEntryRecord, type AuditEntryRow, type Knex } from '@hookway/db';
import type { AuditEntry, AuditEntryReader, AuditSearch, Page } from '../domain/ports.js';
import { paginate } from './shared.js';

const toAuditEntry = (row: AuditEntryRow): AuditEntry => toAuditEntryRecord(row, COLUMNS);

export class AuditEntryRepository implements AuditEntryReader {
  constructor(private readonly db: Knex) {}

  /** Newest first. */
  async search(search: AuditSearch): Promise<Page<AuditEntry>> {
    const filtered = (): Knex.QueryBuilder => {
      let query = this.db('audit_entries');
      if (search.entityType) query = query.where('entity_type', search.entityType);
      if (search.entityId) query = query.where('entity_id', search.entityId);
      if (search.action) query = query.where('action', search.action);
      if (search.workspaceId) query = query.where('workspace_id', search.workspaceId);
      return query;
    };
    return paginate<AuditEntryRow, AuditEntry>(
      this.db,
      filtered,
      search,
      (query) => query.select(COLUMNS).orderBy('id', 'desc'),
      toAuditEntry,
    );
  }

  /** The whole log in id order, fetched in keyset batches so memory stays flat however long it is. */
  async *inChainOrder(batchSize = 1_000): AsyncGenerator<AuditEntry> {
    let afterId = 0;
    for (;;) {
      const rows = (await this.db('audit_entries').select(COLUMNS).where('id', '>', afterId).orderBy('id')
        .limit(batchSize)) as AuditEntryRow[];
      for (const row of rows) yield toAuditEntry(row);
      const last = rows.at(-1);
      if (!last || rows.length < batchSize) return;
      afterId = last.id;
    }
  }
}
