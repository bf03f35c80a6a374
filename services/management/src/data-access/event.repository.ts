// Reads normalized events. Listing never selects the raw snapshot (it can be large); the detail does.
import { containsPattern, LISTED_EVENT_COLUMNS as EVENT_COLUMNS, toEvent as toEventRecord, type EventRow, type Knex } from '@hookway/db';
import type {
  EventReader, EventSearch, EventSnapshot, EventSortField, EventTypeSeen, Page, StoredEvent, WorkspaceScope,
} from '../domain/ports.js';
import { inWorkspace, paginate } from './shared.js';

// A listing shows LISTED_EVENT_COLUMNS of an event; the detail adds the raw snapshot.
type StoredEventRow = Pick<EventRow, (typeof EVENT_COLUMNS)[number]>;
type EventDetailRow = StoredEventRow & Pick<EventRow, 'raw_headers' | 'raw_body'>;

const SORT_COLUMNS: Record<EventSortField, string> = {
  createdAt: 'created_at',
  occurredAt: 'occurred_at',
  status: 'status',
  receivedAt: 'received_at',
};

const toEvent = (row: StoredEventRow): StoredEvent => toEventRecord(row, EVENT_COLUMNS);

export class EventRepository implements EventReader {
  constructor(private readonly db: Knex) {}

  async search(search: EventSearch): Promise<Page<StoredEvent>> {
    const filtered = (): Knex.QueryBuilder => {
      let query = inWorkspace(this.db('events'), search.workspaceId);
      if (search.provider) query = query.where('provider', search.provider);
      if (search.status) query = query.where('status', search.status);
      if (search.eventType) query = query.where('type', search.eventType);
      if (search.subject) query = query.whereILike('subject', containsPattern(search.subject));
      if (search.from) query = query.where('occurred_at', '>=', search.from);
      if (search.to) query = query.where('occurred_at', '<=', search.to);
      return query;
    };
    // The id tie-break keeps pages stable when many rows share a sort value.
    return paginate<StoredEventRow, StoredEvent>(
      this.db,
      filtered,
      search,
      (query) => query.select(EVENT_COLUMNS).orderBy([
        { column: SORT_COLUMNS[search.sortBy], order: search.sortOrder },
        { column: 'id', order: search.sortOrder },
      ]),
      toEvent,
    );
  }

  /** The event with this id, when it is in the scope. */
  private byId(id: string, scope: WorkspaceScope): Knex.QueryBuilder {
    return inWorkspace(this.db('events').where({ id }), scope.workspaceId);
  }

  async find(id: string, scope: WorkspaceScope): Promise<StoredEvent | undefined> {
    const row = (await this.byId(id, scope).select(EVENT_COLUMNS).first()) as StoredEventRow | undefined;
    return row && toEvent(row);
  }

  async findWithSnapshot(id: string, scope: WorkspaceScope): Promise<(StoredEvent & { snapshot: EventSnapshot }) | undefined> {
    const row = (await this.byId(id, scope).select([...EVENT_COLUMNS, 'raw_headers', 'raw_body']).first()) as
      | EventDetailRow
      | undefined;
    return row && { ...toEvent(row), snapshot: { headers: row.raw_headers, body: row.raw_body } };
  }

  /** Every (provider, type) received so far in the scope, with how often and when last. */
  async eventTypes(provider: string | null | undefined, scope: WorkspaceScope): Promise<EventTypeSeen[]> {
    let query = inWorkspace(this.db('events'), scope.workspaceId)
      .select('provider', 'type')
      .select(this.db.raw('count(*)::int AS count'), this.db.raw('max(received_at) AS last_seen_at'))
      .groupBy('provider', 'type')
      .orderBy([{ column: 'provider' }, { column: 'type' }]);
    if (provider) query = query.where('provider', provider);
    const rows = (await query) as { provider: string; type: string; count: number; last_seen_at: Date }[];
    return rows.map((row) => ({ provider: row.provider, eventType: row.type, count: row.count, lastSeenAt: row.last_seen_at }));
  }
}
