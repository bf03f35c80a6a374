// What happens to an event once it is durable, whoever sent it (a provider's webhook or a workspace's own
// application): its messages are published in the background and the row is marked published once the
// broker confirmed them. The row is the outbox, so a failure here costs latency (the relay publishes it
// later), never the event. Publishes still under way are drained on shutdown.
import { errorFields, type Logger } from '@hookway/logger';
import { publishEventMessages, type MessagePublisher } from './event-publisher.js';

/** The event as the release needs it (a subset of NewEvent). */
export interface ReleasedEvent {
  id: string;
  workspaceId: string;
  provider: string;
  externalId: string;
  type: string;
  correlationId: string;
}

/** Marks confirmed events, so the relay leaves them alone. */
export interface PublishedMarks {
  markPublished(ids: readonly string[]): Promise<void>;
}

export interface EventReleaseDeps {
  marks: PublishedMarks;
  broker: MessagePublisher;
  logger: Logger;
}

export class EventRelease {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: EventReleaseDeps) {}

  /** Starts publishing a durable event; the caller answers without waiting. */
  release(event: ReleasedEvent): void {
    this.track(this.publish(event));
  }

  /** Runs other background work (an audit fact, say) under the same drain. */
  track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** Resolves once every background publish started so far has finished. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** The event's logger, made only when a line is written: most events write none. */
  logFor(event: Pick<ReleasedEvent, 'correlationId' | 'provider'>): Logger {
    return this.deps.logger.child({ correlationId: event.correlationId, provider: event.provider });
  }

  private async publish(event: ReleasedEvent): Promise<void> {
    try {
      await publishEventMessages(this.deps.broker, event, { lingerAudit: true });
    } catch (error) {
      this.logFor(event).warn('event not published yet; the outbox relay will retry', { eventId: event.id, ...errorFields(error) });
      return;
    }
    try {
      await this.deps.marks.markPublished([event.id]);
    } catch (error) {
      this.logFor(event).warn('event published but not marked; the relay may publish it again', { eventId: event.id, ...errorFields(error) });
    }
  }
}
