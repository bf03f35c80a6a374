// Accepting a webhook: authenticate the raw bytes, validate and normalize, make it durable in one
// idempotent insert, answer, and only then publish (the row is the outbox, so a broker outage costs
// latency, never an event). Publishes run in the background and are drained on shutdown.
import { randomUUID } from 'node:crypto';
import { auditFact, type EventStatus } from '@hookway/contracts';
import { errorFields, logsDebug, type Logger } from '@hookway/logger';
import type { MessagePublisher } from './event-publisher.js';
import { EventRelease } from './event-release.js';
import { snapshotHeaders } from './header-snapshot.js';
import { StorageUnavailableError, UnknownSourceError } from './intake-errors.js';
import { decodeBody, parseJsonBody } from './json-body.js';
import type { ProviderLookup, RequestHeaders, WebhookProvider } from './providers/provider.js';
import { durably } from './storage-errors.js';

export interface NewEvent {
  id: string;
  /** The source's workspace for a webhook, the key's for a published event. */
  workspaceId: string;
  provider: string;
  externalId: string;
  type: string;
  occurredAt: string;
  subject: string | null;
  data: Record<string, unknown>;
  rawHeaders: Record<string, string | string[]>;
  rawBody: string;
  correlationId: string;
}

export interface ExistingEvent {
  id: string;
  status: EventStatus;
}

/** What intake needs from storage. */
export interface EventStore {
  insertIfNew(event: NewEvent): Promise<boolean>;
  findByExternalId(provider: string, externalId: string): Promise<ExistingEvent | undefined>;
  markPublished(ids: readonly string[]): Promise<void>;
}

export interface IncomingWebhook {
  provider: string;
  headers: RequestHeaders;
  rawBody: Buffer;
  requestId: string;
}

export interface AcceptedWebhook {
  eventId: string;
  status: EventStatus;
  duplicate: boolean;
}

export interface WebhookIntakeDeps {
  providers: ProviderLookup;
  events: EventStore;
  broker: MessagePublisher;
  logger: Logger;
}

export class WebhookIntake {
  private readonly released: EventRelease;

  constructor(private readonly deps: WebhookIntakeDeps) {
    this.released = new EventRelease({ marks: deps.events, broker: deps.broker, logger: deps.logger });
  }

  isKnownProvider(name: string): boolean {
    return this.deps.providers.get(name) !== undefined;
  }

  /** The source a key names, if it is served (the route checks its state and limit before reading the body). */
  sourceOf(name: string): WebhookProvider | undefined {
    return this.deps.providers.get(name);
  }

  async accept(input: IncomingWebhook): Promise<AcceptedWebhook> {
    const provider = this.deps.providers.get(input.provider);
    if (!provider) throw new UnknownSourceError(input.provider);

    const receivedAt = new Date();
    provider.authenticate(input.headers, input.rawBody);
    const rawBody = decodeBody(input.rawBody);
    const webhook = provider.normalize(parseJsonBody(rawBody), { headers: input.headers, rawBody: input.rawBody, receivedAt });

    const event: NewEvent = {
      id: randomUUID(),
      workspaceId: provider.workspaceId,
      provider: provider.name,
      ...webhook,
      rawHeaders: snapshotHeaders(input.headers, this.deps.providers.secretHeaders()),
      rawBody,
      correlationId: input.requestId,
    };
    if (await durably(() => this.deps.events.insertIfNew(event))) {
      // At debug, and only built when kept: winston formats a line before its level is checked, and a
      // line per accepted webhook was a measurable share of ingress CPU.
      if (logsDebug(this.deps.logger)) {
        this.released.logFor(event).debug('webhook accepted', { eventId: event.id, type: event.type, externalId: event.externalId });
      }
      this.released.release(event);
      return { eventId: event.id, status: 'pending', duplicate: false };
    }

    const existing = await durably(() => this.deps.events.findByExternalId(event.provider, event.externalId));
    // Only possible if the original was deleted between the two statements; the sender retries.
    if (!existing) throw new StorageUnavailableError();
    this.released.logFor(event).info('duplicate webhook', { eventId: existing.id, externalId: event.externalId });
    this.released.track(this.publishDuplicate(existing.id, event));
    return { eventId: existing.id, status: existing.status, duplicate: true };
  }

  /** Resolves once every background publish started so far has finished. */
  async drain(): Promise<void> {
    await this.released.drain();
  }

  private async publishDuplicate(eventId: string, event: NewEvent): Promise<void> {
    try {
      await this.deps.broker.publishAudit(auditFact({
        factId: `event.duplicate:${eventId}:${event.correlationId}`,
        entityType: 'event',
        entityId: eventId,
        action: 'duplicate',
        actor: `provider:${event.provider}`,
        correlationId: event.correlationId,
        details: { provider: event.provider, externalId: event.externalId, type: event.type },
        workspaceId: event.workspaceId,
      }));
    } catch (error) {
      this.released.logFor(event).warn('could not publish the event.duplicate audit fact', { eventId, ...errorFields(error) });
    }
  }
}
