// The events table as an outbox for the shared OutboxRelay: unconfirmed rows are claimed, published
// through the same function the request path uses, and marked published in the claiming transaction.
import type { Knex, OutboxSource } from '@hookway/db';
import type { OutboxEvent } from '../domain/event-publisher.js';
import type { EventRepository } from './event.repository.js';

export function eventOutboxSource(
  events: EventRepository,
  publish: (event: OutboxEvent) => Promise<void>,
): OutboxSource<OutboxEvent> {
  return {
    claim: (trx: Knex.Transaction, limit: number, olderThan: Date) => events.claimUnpublished(trx, limit, olderThan),
    publish,
    markPublished: (trx: Knex.Transaction, rows: OutboxEvent[]) => events.markPublished(rows.map((row) => row.id), trx),
  };
}
