// The events table as ingress sees it: the idempotent multi-row insert that makes webhooks and published
// events durable, the duplicate lookup, and the outbox bookkeeping (published_at) for the request path and
// the relay.
// The two statements every accepted webhook runs are prepared statements (no query builder, parsed once
// per connection); the rest goes through knex.
import { PreparedQueries, prepared, type Knex, type PreparedStatement, type StatementRunner } from '@hookway/db';
import type { EventStatus } from '@hookway/contracts';
import type { OutboxEvent } from '../domain/event-publisher.js';
import type { ExistingEvent, NewEvent } from '../domain/webhook-intake.js';

interface OutboxRow {
  id: string;
  workspace_id: string;
  provider: string;
  external_id: string;
  type: string;
  correlation_id: string | null;
}

function toOutboxEvent(row: OutboxRow): OutboxEvent {
  return {
    id: row.id, workspaceId: row.workspace_id, provider: row.provider, externalId: row.external_id, type: row.type, correlationId: row.correlation_id,
  };
}

const EVENT_COLUMNS = [
  'id', 'provider', 'external_id', 'type', 'occurred_at', 'subject', 'data', 'status', 'raw_headers', 'raw_body', 'correlation_id',
  'workspace_id',
] as const;

/**
 * Inserts each event unless its (provider, external_id) exists, even as a row inserted earlier by the
 * same statement; the ids of the new rows come back. One prepared statement per batch size.
 */
function insertStatement(rows: number): PreparedStatement {
  const values = Array.from({ length: rows }, (_, row) =>
    `(${EVENT_COLUMNS.map((_column, column) => `$${row * EVENT_COLUMNS.length + column + 1}`).join(', ')})`);
  return prepared(`ingress_insert_events_${rows}`, `INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES ${values.join(', ')}
       ON CONFLICT (provider, external_id) DO NOTHING RETURNING id`);
}

// The rows are locked in id order, as the dispatcher's status roll-up locks the events of a batch: two
// statements that each lock several events can then never wait on each other in a cycle (a deadlock).
const markPublishedSql = (ids: string): string => `
  UPDATE events e SET published_at = now()
    FROM (SELECT id FROM events WHERE id = ANY(${ids}) AND published_at IS NULL ORDER BY id FOR NO KEY UPDATE) locked
   WHERE e.id = locked.id`;

const MARK_PUBLISHED = prepared('ingress_mark_published', markPublishedSql('$1::uuid[]'));

/** Appends one event's values in EVENT_COLUMNS order. */
function pushEventValues(values: unknown[], event: NewEvent): void {
  values.push(
    event.id,
    event.provider,
    event.externalId,
    event.type,
    event.occurredAt,
    event.subject,
    // Serialized here: node-postgres would turn a JS array into a PostgreSQL array literal.
    JSON.stringify(event.data),
    'pending',
    JSON.stringify(event.rawHeaders),
    event.rawBody,
    event.correlationId,
    event.workspaceId,
  );
}

// Rows go in one consistent key order, so two batches that share keys wait on each other in the same
// order instead of deadlocking.
function byKey(a: NewEvent, b: NewEvent): number {
  if (a.provider !== b.provider) return a.provider < b.provider ? -1 : 1;
  if (a.externalId !== b.externalId) return a.externalId < b.externalId ? -1 : 1;
  return 0;
}

export class EventRepository {
  private readonly sql: PreparedQueries;
  private readonly insertStatements = new Map<number, PreparedStatement>();

  constructor(private readonly db: Knex) {
    this.sql = new PreparedQueries(db);
  }

  /**
   * One statement for the whole batch: inserts each event unless its (provider, external_id) exists,
   * even as a row inserted earlier by the same statement. For each event, true when it was new (its
   * own id came back). `runner` is a transaction to run in (by default a pooled connection of its own).
   */
  async insertAllIfNew(events: readonly NewEvent[], runner: StatementRunner = this.sql): Promise<boolean[]> {
    if (events.length === 0) return [];
    const values: unknown[] = [];
    for (const event of [...events].sort(byKey)) pushEventValues(values, event);
    const rows = await runner.query<{ id: string }>(this.insertStatementFor(events.length), values);
    const inserted = new Set(rows.map((row) => row.id));
    return events.map((event) => inserted.has(event.id));
  }

  async countUnpublished(): Promise<number> {
    const row = await this.db('events').whereNull('published_at').count<{ count: number }[]>({ count: '*' }).first();
    return row?.count ?? 0;
  }

  async findByExternalId(provider: string, externalId: string): Promise<ExistingEvent | undefined> {
    const row = (await this.db('events')
      .select('id', 'status')
      .where({ provider, external_id: externalId })
      .first()) as { id: string; status: EventStatus } | undefined;
    return row && { id: row.id, status: row.status };
  }

  async markPublished(ids: readonly string[], trx?: Knex.Transaction): Promise<void> {
    if (ids.length === 0) return;
    if (trx) await trx.raw(markPublishedSql('?::uuid[]'), [[...ids]]);
    else await this.sql.query(MARK_PUBLISHED, [[...ids]]);
  }

  /** Unpublished events received before `olderThan`, oldest first, locked for this relay pass. */
  async claimUnpublished(trx: Knex.Transaction, limit: number, olderThan: Date): Promise<OutboxEvent[]> {
    const rows = (await trx('events')
      .select('id', 'workspace_id', 'provider', 'external_id', 'type', 'correlation_id')
      .whereNull('published_at')
      .where('received_at', '<', olderThan)
      .orderBy('received_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()) as OutboxRow[];
    return rows.map(toOutboxEvent);
  }

  private insertStatementFor(rows: number): PreparedStatement {
    let statement = this.insertStatements.get(rows);
    if (!statement) {
      statement = insertStatement(rows);
      this.insertStatements.set(rows, statement);
    }
    return statement;
  }
}
