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

export class JobStream {
  private readonly clients = new Map<Send, StreamFilter>();

  get size(): number {
    return this.clients.size;
  }

  /** Registers a client; the returned function forgets it. */
  subscribe(filter: StreamFilter, send: Send): () => void {
    this.clients.set(send, filter);
    return () => {
      this.clients.delete(send);
    };
  }

  publish(update: JobUpdate): void {
    for (const [send, filter] of this.clients) {
      if (filter.integrationId && filter.integrationId !== update.integrationId) continue;
      if (filter.eventId && filter.eventId !== update.eventId) continue;
      send(update);
    }
  }
}
