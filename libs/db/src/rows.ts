// The rows of the tables two or more services read, typed once, and the one mapper from a row to the
// camelCase record the services' ports carry. A query selects the columns it needs; the mapper keeps
// exactly those, in the order given, so a record never grows a field its reader did not ask for.
// libs/db/test/rows.test.ts holds each row type to the table's columns in a migrated database.
import type { EventStatus, JobStatus } from '@hookway/contracts';

type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

/** The record of a row's columns `K`: snake_case keys become camelCase, values keep their types. */
export type Camelized<Row, K extends keyof Row & string = keyof Row & string> = { [P in K as CamelCase<P>]: Row[P] };

/**
 * A rate limit as integrations and API keys store it (rate_limit_per_second, rate_limit_burst; a CHECK keeps
 * both set or both null): null for no limit.
 */
export function rateLimitOf(row: { rate_limit_per_second: number | null; rate_limit_burst: number | null }): { perSecond: number; burst: number } | null {
  return row.rate_limit_per_second === null || row.rate_limit_burst === null
    ? null
    : { perSecond: row.rate_limit_per_second, burst: row.rate_limit_burst };
}

const camelCase = (column: string): string => column.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** Copies `columns` of `row` (which may hold more: a join's other columns) under their camelCase names. */
export function toRecord<Row, K extends keyof Row & string>(row: Row, columns: readonly K[]): Camelized<Row, K> {
  const record: Record<string, unknown> = {};
  for (const column of columns) record[camelCase(column)] = row[column];
  return record as Camelized<Row, K>;
}

/** delivery_jobs: one delivery of an event (or of a replay of it) to one integration. */
export interface DeliveryJobRow {
  id: string;
  event_id: string;
  integration_id: string;
  replay_request_id: string | null;
  status: JobStatus;
  attempt_count: number;
  max_attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  last_status_code: number | null;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  /** How often the sweeper sent the job out again (006). */
  sweeps: number;
  /** The subject whose order the job keeps, for an ordered integration (009). */
  order_key: string | null;
  /** The event's place in ingress order (events.seq), for an ordered integration (009). */
  order_seq: number | null;
}
export type DeliveryJobColumn = keyof DeliveryJobRow;
export const DELIVERY_JOB_COLUMNS = [
  'id', 'event_id', 'integration_id', 'replay_request_id', 'status', 'attempt_count', 'max_attempts', 'next_attempt_at',
  'last_error', 'last_status_code', 'created_at', 'updated_at', 'completed_at', 'sweeps', 'order_key', 'order_seq',
] as const satisfies readonly DeliveryJobColumn[];

export function toDeliveryJob<K extends DeliveryJobColumn>(row: Pick<DeliveryJobRow, K>, columns: readonly K[]): Camelized<DeliveryJobRow, K> {
  return toRecord(row as DeliveryJobRow, columns);
}

/** delivery_attempts: one HTTP request a job made, and what came back. */
export interface DeliveryAttemptRow {
  id: string;
  job_id: string;
  event_id: string;
  integration_id: string;
  attempt_number: number;
  status: 'success' | 'failed';
  status_code: number | null;
  latency_ms: number;
  request_url: string;
  request_headers: Record<string, unknown>;
  response_headers: Record<string, unknown> | null;
  response_body: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: Date;
}
export type DeliveryAttemptColumn = keyof DeliveryAttemptRow;
export const DELIVERY_ATTEMPT_COLUMNS = [
  'id', 'job_id', 'event_id', 'integration_id', 'attempt_number', 'status', 'status_code', 'latency_ms', 'request_url',
  'request_headers', 'response_headers', 'response_body', 'error_code', 'error_message', 'created_at',
] as const satisfies readonly DeliveryAttemptColumn[];

export function toDeliveryAttempt<K extends DeliveryAttemptColumn>(
  row: Pick<DeliveryAttemptRow, K>, columns: readonly K[],
): Camelized<DeliveryAttemptRow, K> {
  return toRecord(row as DeliveryAttemptRow, columns);
}

/** events: a normalized webhook as ingress accepted it, with its raw snapshot and outbox mark. */
export interface EventRow {
  id: string;
  provider: string;
  external_id: string;
  type: string;
  occurred_at: Date;
  subject: string | null;
  data: unknown;
  status: EventStatus;
  received_at: Date;
  created_at: Date;
  updated_at: Date;
  raw_headers: Record<string, unknown>;
  raw_body: string;
  correlation_id: string | null;
  /** Null until the broker confirmed the event message (the outbox). */
  published_at: Date | null;
  /** Ingress order (009). */
  seq: number;
  /** The workspace of the source that sent it, or of the key that published it (010). */
  workspace_id: string;
}
export type EventColumn = keyof EventRow;
export const EVENT_COLUMNS = [
  'id', 'provider', 'external_id', 'type', 'occurred_at', 'subject', 'data', 'status', 'received_at', 'created_at',
  'updated_at', 'raw_headers', 'raw_body', 'correlation_id', 'published_at', 'seq',
  'workspace_id',
] as const satisfies readonly EventColumn[];

/** What a listing shows of an event (management's list, ingress's GET /events): all but the raw snapshot, which can be large. */
export const LISTED_EVENT_COLUMNS = [
  'id', 'workspace_id', 'provider', 'external_id', 'type', 'occurred_at', 'subject', 'data', 'status', 'received_at', 'created_at',
  'updated_at',
] as const satisfies readonly EventColumn[];
export type ListedEventColumn = (typeof LISTED_EVENT_COLUMNS)[number];
export type ListedEventRecord = Camelized<EventRow, ListedEventColumn>;

export function toEvent<K extends EventColumn>(row: Pick<EventRow, K>, columns: readonly K[]): Camelized<EventRow, K> {
  return toRecord(row as EventRow, columns);
}

/** audit_entries: one fact in the hash chain. */
export interface AuditEntryRow {
  id: number;
  fact_id: string;
  entity_type: string;
  entity_id: string;
  action: string;
  actor: string;
  correlation_id: string | null;
  details: Record<string, unknown>;
  occurred_at: Date;
  recorded_at: Date;
  prev_hash: string;
  hash: string;
  /** The workspace the fact is about; null: none in particular (010). */
  workspace_id: string | null;
}
export type AuditEntryColumn = keyof AuditEntryRow;
export const AUDIT_ENTRY_COLUMNS = [
  'id', 'fact_id', 'entity_type', 'entity_id', 'action', 'actor', 'correlation_id', 'details', 'occurred_at',
  'recorded_at', 'prev_hash', 'hash', 'workspace_id',
] as const satisfies readonly AuditEntryColumn[];

export function toAuditEntry<K extends AuditEntryColumn>(row: Pick<AuditEntryRow, K>, columns: readonly K[]): Camelized<AuditEntryRow, K> {
  return toRecord(row as AuditEntryRow, columns);
}
