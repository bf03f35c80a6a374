// The job facts of the audit log, read by their position in it for GET /stream. The audit service appends
// under one transaction-scoped lock, so audit_entries.id grows in commit order: once an id is visible,
// no smaller id can still appear. That makes the id a stream position that holds across replicas and
// restarts, and `id > position` a read that neither skips nor repeats a fact.
// A fact's workspace is the one it names, else its integration's (the dispatcher's facts name the integration).
import type { AuditEntryRow, Knex } from '@hookway/db';
import type { JobFactSource, JobUpdate, StreamFilter } from '../domain/job-stream.js';

const COLUMNS = ['a.id', 'a.fact_id', 'a.entity_id', 'a.action', 'a.details', 'a.occurred_at'] as const;
type JobFactRow = Pick<AuditEntryRow, 'id' | 'fact_id' | 'entity_id' | 'action' | 'details' | 'occurred_at' | 'workspace_id'>;

/** The details' integrationId as a uuid, or null when it is absent or not one (a cast would fail the whole read). */
const INTEGRATION_ID = `substring(a.details->>'integrationId' from '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')::uuid`;
const WORKSPACE = 'coalesce(a.workspace_id, i.workspace_id)';

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
    workspaceId: row.workspace_id,
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

  /** Job facts with the workspace each belongs to. */
  private jobFacts(): Knex.QueryBuilder {
    return this.db({ a: 'audit_entries' })
      .joinRaw(`LEFT JOIN integrations i ON i.id = ${INTEGRATION_ID}`)
      .select([...COLUMNS, this.db.raw(`${WORKSPACE} AS workspace_id`)])
      .where('a.entity_type', 'job');
  }

  async after(position: number, limit: number): Promise<JobUpdate[]> {
    const rows = (await this.jobFacts().where('a.id', '>', position).orderBy('a.id').limit(limit)) as JobFactRow[];
    return rows.map(toJobUpdate);
  }

  async window(after: number, upTo: number, filter: StreamFilter, limit: number): Promise<{ updates: JobUpdate[]; truncated: boolean }> {
    let query = this.jobFacts().where('a.id', '>', after).where('a.id', '<=', upTo);
    if (filter.workspaceId) query = query.whereRaw(`${WORKSPACE} = ?`, [filter.workspaceId]);
    if (filter.integrationId) query = query.whereRaw(`a.details->>'integrationId' = ?`, [filter.integrationId]);
    if (filter.eventId) query = query.whereRaw(`a.details->>'eventId' = ?`, [filter.eventId]);
    // Newest first, one more than the window: the extra row only says that older facts were left out.
    const rows = (await query.orderBy('a.id', 'desc').limit(limit + 1)) as JobFactRow[];
    const truncated = rows.length > limit;
    return { updates: rows.slice(0, limit).reverse().map(toJobUpdate), truncated };
  }
}
