// The events table as ingress sees it: the idempotent insert that makes a webhook durable, the
// duplicate lookup, and the outbox bookkeeping (published_at) for the request path and the relay.
import type { Knex } from '@hookway/db';
import type { EventStatus } from '@hookway/contracts';
import type { OutboxEvent } from '../domain/event-publisher.js';
import type { EventStore, ExistingEvent, NewEvent } from '../domain/webhook-intake.js';

interface OutboxRow {
  id: string;
  provider: string;
  external_id: string;
  type: string;
  correlation_id: string | null;
}

function toOutboxEvent(row: OutboxRow): OutboxEvent {
  return { id: row.id, provider: row.provider, externalId: row.external_id, type: row.type, correlationId: row.correlation_id };
}

export class EventRepository implements EventStore {
  constructor(private readonly db: Knex) {}

  /** One statement: inserts the event unless (provider, external_id) exists. True when it was new. */
  async insertIfNew(event: NewEvent): Promise<boolean> {
    const inserted = await this.db('events')
      .insert({
        id: event.id,
        provider: event.provider,
        external_id: event.externalId,
        type: event.type,
        occurred_at: event.occurredAt,
        subject: event.subject,
        // Serialized here: node-postgres would turn a JS array into a PostgreSQL array literal.
        data: JSON.stringify(event.data),
        status: 'pending',
        raw_headers: JSON.stringify(event.rawHeaders),
        raw_body: event.rawBody,
        correlation_id: event.correlationId,
      })
      .onConflict(['provider', 'external_id'])
      .ignore()
      .returning<{ id: string }[]>('id');
    return inserted.length > 0;
  }

  async countUnpublished(): Promise<number> {
    const row = await this.db('events').whereNull('published_at').count<{ count: number }[]>({ count: '*' }).first();
    return row?.count ?? 0;
  }

  async findByExternalId(provider: string, externalId: string): Promise<ExistingEvent | undefined> {
    const row = (await this.db('events')
      .select('id', 'status')
      .where({ provider, external_id: externalId })
      .first()) as { id: string; status: EventStatus } | undefined;
    return row && { id: row.id, status: row.status };
  }

  async markPublished(ids: readonly string[], trx: Knex | Knex.Transaction = this.db): Promise<void> {
    if (ids.length === 0) return;
    await trx('events').whereIn('id', ids).whereNull('published_at').update({ published_at: trx.fn.now() });
  }

  /** Unpublished events received before `olderThan`, oldest first, locked for this relay pass. */
  async claimUnpublished(trx: Knex.Transaction, limit: number, olderThan: Date): Promise<OutboxEvent[]> {
    const rows = (await trx('events')
      .select('id', 'provider', 'external_id', 'type', 'correlation_id')
      .whereNull('published_at')
      .where('received_at', '<', olderThan)
      .orderBy('received_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()) as OutboxRow[];
    return rows.map(toOutboxEvent);
  }
}
