// Replays an event: the request is persisted (committed) first, then its messages are published and the
// row marked published. If the broker is down the request still stands; the outbox relay publishes it
// later through the same publishReplay, so both paths send exactly the same messages. A request scoped to
// one integration (a job retry, a dead-letter replay) is the same message; the dispatcher reads the scope
// from the row.
import { auditFact, publishEventMessage, replayMessage, type AuditFact } from '@hookway/contracts';
import type { OutboxSource } from '@hookway/db';
import { errorFields, type Logger } from '@hookway/logger';
import type { NewReplayRequest, ReplayRequest, ReplayRequestStore, WorkspaceScope } from './ports.js';

/** The part of the broker replay needs. */
export interface ReplayPublisher {
  publish(exchange: string, routingKey: string, body: unknown, options: { messageId?: string; correlationId?: string; type?: string }): Promise<void>;
  publishAudit(fact: AuditFact): Promise<void>;
}

export class EventNotFoundError extends Error {
  constructor(readonly eventId: string) {
    super(`event ${eventId} does not exist`);
    this.name = 'EventNotFoundError';
  }
}

export interface ReplayAccepted {
  replayRequestId: string;
  eventId: string;
  /** False when the broker could not take it now; the relay will. */
  published: boolean;
}

export class ReplayService {
  constructor(
    private readonly requests: ReplayRequestStore,
    private readonly publisher: ReplayPublisher,
    private readonly eventsExchange: string,
    private readonly logger: Logger,
  ) {}

  /** An event outside the scope is not found, as an unknown one. */
  async request(input: NewReplayRequest, scope: WorkspaceScope): Promise<ReplayAccepted> {
    const replay = await this.requests.create(input, scope);
    if (!replay) throw new EventNotFoundError(input.eventId);
    let published = false;
    try {
      await this.publishReplay(replay);
      await this.requests.markPublished([replay.id]);
      published = true;
    } catch (error) {
      this.logger.child({ correlationId: input.correlationId }).warn('replay persisted but not yet published; the relay will retry', {
        replayRequestId: replay.id,
        ...errorFields(error),
      });
    }
    return { replayRequestId: replay.id, eventId: replay.eventId, published };
  }

  /** The one place a replay request becomes messages: the event to fan out again, and its audit fact. */
  async publishReplay(replay: ReplayRequest): Promise<void> {
    const correlation = replay.correlationId ? { correlationId: replay.correlationId } : {};
    await publishEventMessage(this.publisher, this.eventsExchange, replayMessage(replay), replay.correlationId);
    await this.publisher.publishAudit(auditFact({
      factId: `replay.requested:${replay.id}`,
      entityType: 'replay',
      entityId: replay.id,
      action: 'requested',
      actor: replay.requestedBy,
      // The request time, not the publish time: a relayed fact reads the same as a direct one.
      occurredAt: replay.createdAt.toISOString(),
      workspaceId: replay.workspaceId,
      ...correlation,
      details: {
        eventId: replay.eventId,
        reason: replay.reason,
        ...(replay.integrationId ? { integrationId: replay.integrationId } : {}),
        ...(replay.sourceJobId ? { sourceJobId: replay.sourceJobId } : {}),
      },
    }));
  }

  /** The replay_requests outbox, for an OutboxRelay. */
  outboxSource(): OutboxSource<ReplayRequest> {
    return {
      claim: (trx, limit, olderThan) => this.requests.claimUnpublished(trx, limit, olderThan),
      publish: (replay) => this.publishReplay(replay),
      markPublished: (trx, replays) => this.requests.markPublished(replays.map((replay) => replay.id), trx),
    };
  }
}
