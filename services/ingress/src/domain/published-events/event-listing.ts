// GET /events for a workspace key: its workspace's events, newest first, a page at a time. The cursor is the
// last row's (received_at, id), a total order, so pages do not shift when events arrive and no row is listed
// twice. received_at is the inserting transaction's start: an event whose insert was still committing when
// a page was read can land just behind that page's cursor. The client sees the cursor only as an opaque string.
import type { EventStatus } from '@hookway/contracts';
import type { ListedEventRecord } from '@hookway/db';

export interface EventListFilters {
  provider?: string;
  status?: EventStatus;
  eventType?: string;
  /** Case-insensitive substring of the subject. */
  subject?: string;
  /** occurredAt at or after (inclusive). */
  from?: string;
  /** occurredAt at or before (inclusive). */
  to?: string;
}

/** A position in the listing: the row before which the next page starts. */
export interface EventCursor {
  /** received_at to the microsecond, as PostgreSQL prints it in UTC (ISO 8601). */
  receivedAt: string;
  id: string;
}

export interface EventListQuery extends EventListFilters {
  workspaceId: string;
  limit: number;
  after?: EventCursor;
}

/** An event as the listing shows it (all but its raw snapshot, as management's list). */
export type ListedEvent = ListedEventRecord;

export interface EventPage {
  items: ListedEvent[];
  /** Where the next page starts; absent on the last page. */
  next?: EventCursor;
}

export interface EventListing {
  list(query: EventListQuery): Promise<EventPage>;
}

const RECEIVED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeCursor(cursor: EventCursor): string {
  return Buffer.from(`${cursor.receivedAt}|${cursor.id}`, 'utf8').toString('base64url');
}

/** The cursor a string holds, or undefined when it is not one this service made. */
export function decodeCursor(text: string): EventCursor | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) return undefined;
  const [receivedAt, id, ...rest] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || receivedAt === undefined || id === undefined) return undefined;
  if (!RECEIVED_AT.test(receivedAt) || !UUID.test(id)) return undefined;
  // A real instant: it prints back as itself (no 30 February), to the millisecond.
  const time = new Date(receivedAt);
  if (Number.isNaN(time.getTime()) || time.getUTCFullYear() < 1 || time.toISOString().slice(0, 23) !== receivedAt.slice(0, 23)) return undefined;
  return { receivedAt, id };
}
