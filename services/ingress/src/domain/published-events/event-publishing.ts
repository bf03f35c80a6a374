// Events a workspace's own application publishes (POST /events and /events/batch). Each becomes an event of
// provider `api` in the key's workspace, stored by the same insert and released through the same outbox and
// messages as a webhook, so fan-out and delivery cannot tell the two apart. A single event without an
// Idempotency-Key joins the webhooks' group commit; a batch is one statement (all or nothing); with a key,
// the key row and the events commit in one transaction.
import { randomUUID } from 'node:crypto';
import { PUBLISHED_EVENT_PROVIDER, publishIdempotencyScope, type EventStatus } from '@hookway/contracts';
import type { Logger } from '@hookway/logger';
import type { MessagePublisher } from '../event-publisher.js';
import { EventRelease } from '../event-release.js';
import { snapshotHeaders } from '../header-snapshot.js';
import { IdempotencyKeyReusedError, InvalidBatchItemError, InvalidPayloadError } from '../intake-errors.js';
import { decodeBody, parseJsonBody } from '../json-body.js';
import type { RequestHeaders } from '../providers/provider.js';
import { durably } from '../storage-errors.js';
import type { NewEvent } from '../webhook-intake.js';
import { IDEMPOTENCY_WINDOW_MS, requestFingerprint } from './idempotency.js';
import { parsePublishedBatch, parsePublishedEvent, type PublishedEventInput } from './publish-body.js';

/** The answer of one published event (also what a replay under its Idempotency-Key returns). */
export interface PublishedEvent {
  id: string;
  workspaceId: string;
  provider: string;
  type: string;
  subject: string | null;
  occurredAt: string;
  status: EventStatus;
}

/** A key claim together with the events it covers and the answer to keep for replays. */
export interface IdempotentWrite {
  scope: string;
  key: string;
  fingerprint: string;
  /** The request's time on the injected clock: the row's created_at, and what the window is measured from. */
  at: Date;
  windowMs: number;
  events: readonly NewEvent[];
  response: { status: number; body: unknown };
}

export type IdempotentOutcome =
  | { kind: 'stored' }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'mismatch' };

/** What publishing needs from storage. */
export interface PublishedEventStore {
  /** One event, through the webhooks' group commit. */
  insertOne(event: NewEvent): Promise<void>;
  /** Every event in one statement: all are stored, or none. */
  insertAll(events: readonly NewEvent[]): Promise<void>;
  /** Claims the key and stores the events and the answer in one transaction, or says what the key already holds. */
  insertUnderKey(write: IdempotentWrite): Promise<IdempotentOutcome>;
  markPublished(ids: readonly string[]): Promise<void>;
}

export interface PublishRequest {
  workspaceId: string;
  headers: RequestHeaders;
  rawBody: Buffer;
  requestId: string;
  idempotencyKey?: string;
}

export interface PublishAnswer<T> {
  status: number;
  body: T;
  /** True when this is the stored answer of an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

export interface EventPublishingDeps {
  store: PublishedEventStore;
  broker: MessagePublisher;
  logger: Logger;
  /** Header names whose values never reach the stored snapshot (authorization always among them). */
  secretHeaders: () => ReadonlySet<string>;
  /** The clock of the idempotency window and of a missing occurredAt (tests move it). */
  now: () => Date;
}

const ACCEPTED = 202;

export class EventPublishing {
  private readonly released: EventRelease;

  constructor(private readonly deps: EventPublishingDeps) {
    this.released = new EventRelease({ marks: deps.store, broker: deps.broker, logger: deps.logger });
  }

  async publishOne(request: PublishRequest): Promise<PublishAnswer<PublishedEvent>> {
    const rawBody = decodeBody(request.rawBody);
    const json = parseJsonBody(rawBody);
    const input = parsePublishedEvent(json);
    const at = this.deps.now();
    const event = newEvent(request, this.snapshot(request), input, rawBody, at);
    const body = view(event);
    const key = request.idempotencyKey;
    if (key === undefined) {
      await durably(() => this.deps.store.insertOne(event));
    } else {
      const replay = await this.underKey(request.workspaceId, key, 'POST /events', json, at, [event], body);
      if (replay) return replay as PublishAnswer<PublishedEvent>;
    }
    this.released.release(event);
    return { status: ACCEPTED, body, replayed: false };
  }

  async publishBatch(request: PublishRequest): Promise<PublishAnswer<PublishedEvent[]>> {
    const json = parseJsonBody(decodeBody(request.rawBody));
    const batch = parsePublishedBatch(json);
    const at = this.deps.now();
    // Each event keeps its own item as its raw body: the whole batch, once per event, could be 100 times the limit.
    const headers = this.snapshot(request);
    const events = batch.events.map((input, index) => newEvent(request, headers, input, JSON.stringify(input), at, index));
    const body = events.map(view);
    const key = request.idempotencyKey;
    if (key === undefined) {
      await durably(() => this.deps.store.insertAll(events));
    } else {
      const replay = await this.underKey(request.workspaceId, key, 'POST /events/batch', json, at, events, body);
      if (replay) return replay as PublishAnswer<PublishedEvent[]>;
    }
    for (const event of events) this.released.release(event);
    return { status: ACCEPTED, body, replayed: false };
  }

  /** Resolves once every background publish started so far has finished. */
  async drain(): Promise<void> {
    await this.released.drain();
  }

  /** Stores the events under the request's key; the earlier answer when the key already holds this request. */
  private async underKey(
    workspaceId: string,
    key: string,
    operation: string,
    json: unknown,
    at: Date,
    events: readonly NewEvent[],
    body: unknown,
  ): Promise<PublishAnswer<unknown> | undefined> {
    const outcome = await durably(() => this.deps.store.insertUnderKey({
      scope: publishIdempotencyScope(workspaceId),
      key,
      fingerprint: requestFingerprint(operation, json),
      at,
      windowMs: IDEMPOTENCY_WINDOW_MS,
      events,
      response: { status: ACCEPTED, body },
    }));
    if (outcome.kind === 'stored') return undefined;
    if (outcome.kind === 'mismatch') throw new IdempotencyKeyReusedError(key);
    return { status: outcome.status, body: outcome.body, replayed: true };
  }

  /** The request headers kept with its events, credentials redacted. */
  private snapshot(request: PublishRequest): NewEvent['rawHeaders'] {
    return snapshotHeaders(request.headers, this.deps.secretHeaders());
  }
}

function newEvent(
  request: PublishRequest,
  rawHeaders: NewEvent['rawHeaders'],
  input: PublishedEventInput,
  rawBody: string,
  at: Date,
  index?: number,
): NewEvent {
  const id = randomUUID();
  return {
    id,
    workspaceId: request.workspaceId,
    provider: PUBLISHED_EVENT_PROVIDER,
    // The application names no id of its own: the event's id is its deduplication key (Idempotency-Key does the deduplicating).
    externalId: id,
    type: input.type,
    occurredAt: instant(input.occurredAt, at, index),
    subject: input.subject ?? null,
    data: input.data,
    rawHeaders,
    rawBody,
    correlationId: request.requestId,
  };
}

/**
 * occurredAt as an ISO 8601 instant in UTC, to the millisecond (absent: the time received). Refused when it
 * names no instant JavaScript and PostgreSQL both hold (a leap second, year 0, year 10000 once in UTC).
 */
function instant(occurredAt: string | null | undefined, at: Date, index: number | undefined): string {
  const time = occurredAt == null ? at : new Date(occurredAt);
  const year = time.getUTCFullYear();
  if (Number.isNaN(time.getTime()) || year < 1 || year > 9999) {
    const message = 'must be an instant between the years 1 and 9999';
    if (index === undefined) throw new InvalidPayloadError('the body is not a valid event', [{ path: '/occurredAt', message }]);
    throw new InvalidBatchItemError(index, [{ path: `/events/${index}/occurredAt`, message }]);
  }
  return time.toISOString();
}

function view(event: NewEvent): PublishedEvent {
  return {
    id: event.id,
    workspaceId: event.workspaceId,
    provider: event.provider,
    type: event.type,
    subject: event.subject,
    occurredAt: event.occurredAt,
    status: 'pending',
  };
}
