// Events as the dispatcher reads them, and the one SQL that rolls their status up from their jobs.
import type { Knex } from '@hookway/db';
import type { EventStatus, JobStatus } from '@hookway/contracts';
import { rollUpEventStatus } from '../domain/event-status.js';
import type { EventStore } from '../domain/ports.js';
import type { OutboundEvent } from '@hookway/outbound';

interface EventRow {
  id: string;
  provider: string;
  type: string;
  occurred_at: Date;
  subject: string | null;
  data: unknown;
}

/**
 * Locks the event row first, so concurrent roll-ups (one per finishing job) run one after the other
 * and the last one sees every job committed before it: a stale roll-up can never win.
 */
export async function refreshEventStatus(trx: Knex.Transaction, eventId: string): Promise<EventStatus> {
  await trx.raw('SELECT 1 FROM events WHERE id = ? FOR UPDATE', [eventId]);
  const latest = await trx.raw<{ rows: Array<{ status: JobStatus }> }>(
    `SELECT DISTINCT ON (integration_id) status
       FROM delivery_jobs
      WHERE event_id = ?
      ORDER BY integration_id, created_at DESC, id DESC`,
    [eventId],
  );
  const status = rollUpEventStatus(latest.rows.map((row) => row.status));
  await trx('events').where({ id: eventId }).whereNot({ status }).update({ status, updated_at: trx.fn.now() });
  return status;
}

export class EventRepository implements EventStore {
  constructor(private readonly db: Knex) {}

  async findById(eventId: string): Promise<OutboundEvent | undefined> {
    const row = await this.db<EventRow>('events')
      .select('id', 'provider', 'type', 'occurred_at', 'subject', 'data')
      .where({ id: eventId })
      .first();
    if (!row) return undefined;
    return {
      id: row.id,
      provider: row.provider,
      type: row.type,
      occurredAt: row.occurred_at,
      subject: row.subject,
      data: row.data,
    };
  }

  async refreshStatus(eventId: string): Promise<EventStatus> {
    return this.db.transaction((trx) => refreshEventStatus(trx, eventId));
  }
}
