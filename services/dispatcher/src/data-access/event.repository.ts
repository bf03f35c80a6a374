// Events as the dispatcher reads them, and the status roll-up from their jobs (one database function,
// hookway_refresh_event_status, see migration 003: it locks the event row, so a stale roll-up never wins).
import { PreparedQueries, prepared, type Knex } from '@hookway/db';
import type { EventStatus, FilterableEvent } from '@hookway/contracts';
import type { EventStore, EventSummary } from '../domain/ports.js';
import type { OutboundEvent } from '@hookway/outbound';

/** An event's columns (table alias `e`), named so they can sit beside a job's; null when it does not exist (outer join). */
export const JOINED_EVENT_COLUMNS = `e.id AS event_row_id, e.provider AS event_provider, e.type AS event_type,
  e.occurred_at AS event_occurred_at, e.subject AS event_subject, e.data AS event_data`;

export interface JoinedEventRow {
  event_row_id: string | null;
  event_provider: string;
  event_type: string;
  event_occurred_at: Date;
  event_subject: string | null;
  event_data: unknown;
}

export function toJoinedEvent(row: JoinedEventRow): OutboundEvent | undefined {
  if (row.event_row_id === null) return undefined;
  return {
    id: row.event_row_id, provider: row.event_provider, type: row.event_type, occurredAt: row.event_occurred_at,
    subject: row.event_subject, data: row.event_data,
  };
}

/**
 * Recomputes and stores the status of each event from its jobs; an event that does not exist gets NULL.
 * Pass the ids sorted (sortedUnique): the function locks each event row in turn, so every writer that
 * locks several events takes them in the same order and none can deadlock another.
 */
export const REFRESH_EVENT_STATUSES = prepared('dispatcher_refresh_event_statuses',
  'SELECT event_id, hookway_refresh_event_status(event_id) AS status FROM unnest($1::uuid[]) AS event_id');

export function sortedUnique(ids: readonly string[]): string[] {
  return [...new Set(ids)].sort();
}

const SUMMARY_COLUMNS = 'id, workspace_id AS "workspaceId", provider, type, subject, seq::text AS seq';
const FIND_EVENT_SUMMARIES = prepared('dispatcher_find_event_summaries',
  `SELECT ${SUMMARY_COLUMNS} FROM events WHERE id = ANY($1::uuid[])`);

// Served by the partial index events_pending_subject_idx (009): only events no fan-out has reached are in it.
const FIND_PENDING_BEFORE = prepared('dispatcher_find_pending_before', `
  SELECT DISTINCT e.id, e.workspace_id AS "workspaceId", e.provider, e.type, e.subject, e.seq::text AS seq
    FROM unnest($1::text[], $2::text[], $3::bigint[], $4::uuid[]) AS t(provider, subject, seq, workspace_id)
    JOIN events e ON e.provider = t.provider AND e.subject = t.subject AND e.seq < t.seq AND e.workspace_id = t.workspace_id
   WHERE e.status = 'pending' AND e.subject IS NOT NULL`);

const FIND_FILTERABLES = prepared('dispatcher_find_filterables',
  'SELECT id, type, subject, data, provider FROM events WHERE id = ANY($1::uuid[])');

export class EventRepository implements EventStore {
  private readonly sql: PreparedQueries;

  constructor(db: Knex) {
    this.sql = new PreparedQueries(db);
  }

  async findSummaries(eventIds: readonly string[]): Promise<EventSummary[]> {
    return this.sql.query<EventSummary>(FIND_EVENT_SUMMARIES, [eventIds]);
  }

  async findPendingBefore(events: readonly EventSummary[]): Promise<EventSummary[]> {
    const withSubject = events.filter((event): event is EventSummary & { subject: string } => event.subject !== null);
    if (withSubject.length === 0) return [];
    return this.sql.query<EventSummary>(FIND_PENDING_BEFORE, [
      withSubject.map((event) => event.provider), withSubject.map((event) => event.subject), withSubject.map((event) => event.seq),
      withSubject.map((event) => event.workspaceId),
    ]);
  }

  async findFilterables(eventIds: readonly string[]): Promise<Map<string, FilterableEvent>> {
    const rows = await this.sql.query<FilterableEvent & { id: string }>(FIND_FILTERABLES, [eventIds]);
    return new Map(rows.map(({ id, type, subject, data, provider }) => [id, { type, subject, data, provider }]));
  }

  async refreshStatuses(eventIds: readonly string[]): Promise<Map<string, EventStatus>> {
    const rows = await this.sql.query<{ event_id: string; status: EventStatus | null }>(REFRESH_EVENT_STATUSES, [sortedUnique(eventIds)]);
    return new Map(rows.flatMap((row) => (row.status === null ? [] : [[row.event_id, row.status] as const])));
  }
}
