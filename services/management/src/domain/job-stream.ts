// The live feed behind GET /stream: job and attempt updates (the dispatcher's job facts) fanned out to
// every connected client whose filter matches. A client that goes away is forgotten at once.
import type { AuditFact } from '@hookway/contracts';

export interface JobUpdate {
  /** The fact's routing key: job.delivered, job.retry_scheduled, job.dead_lettered, job.retry_requested, ... */
  type: string;
  id: string;
  jobId: string;
  eventId: string | null;
  integrationId: string | null;
  attempt: number | null;
  statusCode: number | null;
  latencyMs: number | null;
  errorCode: string | null;
  occurredAt: string;
}

export interface StreamFilter {
  integrationId?: string;
  eventId?: string;
}

type Send = (update: JobUpdate) => void;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const number = (value: unknown): number | null => (typeof value === 'number' ? value : null);

export function jobUpdateOf(fact: AuditFact): JobUpdate | undefined {
  if (fact.entityType !== 'job') return undefined;
  const { details } = fact;
  return {
    type: `${fact.entityType}.${fact.action}`,
    id: fact.factId,
    jobId: fact.entityId,
    eventId: text(details.eventId),
    integrationId: text(details.integrationId),
    attempt: number(details.attempt),
    statusCode: number(details.statusCode),
    latencyMs: number(details.latencyMs),
    errorCode: text(details.errorCode),
    occurredAt: fact.occurredAt,
  };
}

/** Starts following the job facts; resolves with the function that stops following them. */
export type FollowJobFacts = () => Promise<() => Promise<void>>;

/**
 * The connected clients, and the feed followed only while there is one: an idle management service
 * makes RabbitMQ route no job fact to it, and parses none.
 */
export class JobStream {
  private readonly clients = new Map<Send, StreamFilter>();
  /** Clients waiting for the feed to be followed before they count. */
  private joining = 0;
  /** Serialises starting and stopping; resolves with the stop function while following. */
  private following: Promise<(() => Promise<void>) | undefined> = Promise.resolve(undefined);

  constructor(private readonly follow: FollowJobFacts) {}

  get size(): number {
    return this.clients.size;
  }

  /**
   * Registers a client once the feed is followed, so every update published after this resolves
   * reaches it; the returned function forgets it.
   */
  async subscribe(filter: StreamFilter, send: Send): Promise<() => void> {
    this.joining += 1;
    try {
      this.reconcile();
      await this.following;
    } finally {
      this.joining -= 1;
    }
    this.clients.set(send, filter);
    return () => {
      this.clients.delete(send);
      this.reconcile();
    };
  }

  publish(update: JobUpdate): void {
    for (const [send, filter] of this.clients) {
      if (filter.integrationId && filter.integrationId !== update.integrationId) continue;
      if (filter.eventId && filter.eventId !== update.eventId) continue;
      send(update);
    }
  }

  /** Follows the feed while anyone is connected or joining, and stops once nobody is. */
  private reconcile(): void {
    // A step that failed (the feed could not be followed) fails only the subscribe awaiting it; the next
    // step starts from "not following", and a failure nobody awaits is not an unhandled rejection.
    const step = this.following.catch(() => undefined).then(async (stop) => {
      const wanted = this.clients.size + this.joining > 0;
      if (wanted && !stop) return this.follow();
      if (!wanted && stop) {
        await stop();
        return undefined;
      }
      return stop;
    });
    step.catch(() => undefined);
    this.following = step;
  }
}
