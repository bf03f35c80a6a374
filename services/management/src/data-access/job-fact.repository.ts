// The job facts of the audit log, read by their position in it for GET /stream. The audit service appends
// under one transaction-scoped lock, so audit_entries.id grows in commit order: once an id is visible,
// no smaller id can still appear. That makes the id a stream position that holds across replicas and
// restarts, and `id > position` a read that neither skips nor repeats a fact.
import type { AuditEntryRow, Knex } from '@hookway/db';
import type { JobFactSource, JobUpdate, StreamFilter } from '../domain/job-stream.js';

const COLUMNS = ['id', 'fact_id', 'entity_id', 'action', 'details', 'occurred_at'] as const;
type JobFactRow = Pick<AuditEntryRow, (typeof COLUMNS)[number]>;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const number = (value: unknown): number | null => (typeof value === 'number' ? value : null);

function toJobUpdate(row: JobFactRow): JobUpdate {
  const { details } = row;
  return {
    type: `job.${row.action}`,
    id: String(row.id),
    factId: row.fact_id,
    jobId: row.entity_id,
    eventId: text(details.eventId),
    integrationId: text(details.integrationId),
    attempt: number(details.attempt),
    statusCode: number(details.statusCode),
    latencyMs: number(details.latencyMs),
    errorCode: text(details.errorCode),
    occurredAt: row.occurred_at.toISOString(),
  };
}

export class JobFactRepository implements JobFactSource {
  constructor(private readonly db: Knex) {}

  async latestPosition(): Promise<number> {
    const row = (await this.db('audit_entries').max({ id: 'id' }).first()) as { id: number | null } | undefined;
    return row?.id ?? 0;
  }

  async after(position: number, limit: number): Promise<JobUpdate[]> {
    const rows = (await this.db('audit_entries').select(COLUMNS).where('entity_type', 'job').where('id', '>', position)
      .orderBy('id').limit(limit)) as JobFactRow[];
    return rows.map(toJobUpdate);
  }

  async window(after: number, upTo: number, filter: StreamFilter, limit: number): Promise<{ updates: JobUpdate[]; truncated: boolean }> {
    let query = this.db('audit_entries').select(COLUMNS).where('entity_type', 'job').where('id', '>', after).where('id', '<=', upTo);
    if (filter.integrationId) query = query.whereRaw(`details->>'integrationId' = ?`, [filter.integrationId]);
    if (filter.eventId) query = query.whereRaw(`details->>'eventId' = ?`, [filter.eventId]);
    // Newest first, one more than the window: the extra row only says that older facts were left out.
    const rows = (await query.orderBy('id', 'desc').limit(limit + 1)) as JobFactRow[];
    const truncated = rows.length > limit;
    return { updates: rows.slice(0, limit).reverse().map(toJobUpdate), truncated };
  }
}
