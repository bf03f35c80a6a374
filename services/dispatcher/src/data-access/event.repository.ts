// Events as the dispatcher reads them, and the status roll-up from their jobs (one database function,
// hookway_refresh_event_status, see migration 003: it locks the event row, so a stale roll-up never wins).
import { PreparedQueries, prepared, type Knex } from '@hookway/db';
import type { EventStatus } from '@hookway/contracts';
import type { EventStore } from '../domain/ports.js';
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

/** Recomputes and stores the event's status from its jobs; NULL when the event does not exist. */
export const REFRESH_EVENT_STATUS = prepared('dispatcher_refresh_event_status', 'SELECT hookway_refresh_event_status($1::uuid) AS status');

const FIND_EVENT = prepared('dispatcher_find_event', `SELECT ${JOINED_EVENT_COLUMNS} FROM events e WHERE e.id = $1::uuid`);

export class EventRepository implements EventStore {
  private readonly sql: PreparedQueries;

  constructor(db: Knex) {
    this.sql = new PreparedQueries(db);
  }

  async findById(eventId: string): Promise<OutboundEvent | undefined> {
    const [row] = await this.sql.query<JoinedEventRow>(FIND_EVENT, [eventId]);
    return row && toJoinedEvent(row);
  }

  async refreshStatus(eventId: string): Promise<EventStatus | undefined> {
    const [row] = await this.sql.query<{ status: EventStatus | null }>(REFRESH_EVENT_STATUS, [eventId]);
    return row?.status ?? undefined;
  }
}
