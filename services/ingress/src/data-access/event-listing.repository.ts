// The listing of a workspace's events for GET /events: keyset pagination over the (workspace_id, received_at,
// id) index, newest first. The cursor's received_at is read as text to the microsecond: a JavaScript Date
// would cut it to the millisecond and the next page would skip or repeat rows that share one.
import { containsPattern, LISTED_EVENT_COLUMNS as COLUMNS, toEvent, type EventRow, type Knex } from '@hookway/db';
import type { EventListing, EventListQuery, EventPage, ListedEvent } from '../domain/published-events/event-listing.js';

type ListedRow = Pick<EventRow, (typeof COLUMNS)[number]> & { cursor_received_at: string };

export class EventListingRepository implements EventListing {
  constructor(private readonly db: Knex) {}

  async list(query: EventListQuery): Promise<EventPage> {
    let rows = this.db('events').where('workspace_id', query.workspaceId);
    if (query.provider) rows = rows.where('provider', query.provider);
    if (query.status) rows = rows.where('status', query.status);
    if (query.eventType) rows = rows.where('type', query.eventType);
    if (query.subject) rows = rows.whereILike('subject', containsPattern(query.subject));
    if (query.from) rows = rows.where('occurred_at', '>=', query.from);
    if (query.to) rows = rows.where('occurred_at', '<=', query.to);
    if (query.after) rows = rows.whereRaw('(received_at, id) < (?::timestamptz, ?::uuid)', [query.after.receivedAt, query.after.id]);
    const found = (await rows
      .select([...COLUMNS, this.db.raw(`to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_received_at`)])
      .orderBy([{ column: 'received_at', order: 'desc' }, { column: 'id', order: 'desc' }])
      .limit(query.limit + 1)) as ListedRow[];
    const page = found.slice(0, query.limit);
    const last = page.at(-1);
    const items: ListedEvent[] = page.map((row) => toEvent(row, COLUMNS));
    return found.length > query.limit && last ? { items, next: { receivedAt: last.cursor_received_at, id: last.id } } : { items };
  }
}
