// Replay requests: persisted by the management API, dispatched here.
import type { Knex } from '@hookway/db';
import type { ReplayRequestRecord, ReplayRequestStore } from '../domain/ports.js';

interface ReplayRequestRow {
  id: string;
  event_id: string;
  status: string;
  integration_id: string | null;
}

export class ReplayRequestRepository implements ReplayRequestStore {
  constructor(private readonly db: Knex) {}

  async findById(replayRequestId: string): Promise<ReplayRequestRecord | undefined> {
    const row = await this.db<ReplayRequestRow>('replay_requests')
      .select('id', 'event_id', 'status', 'integration_id')
      .where({ id: replayRequestId })
      .first();
    if (!row) return undefined;
    return { id: row.id, eventId: row.event_id, status: row.status, integrationId: row.integration_id };
  }

  async markDispatched(replayRequestId: string, jobCount: number): Promise<void> {
    // dispatched_at keeps the first dispatch's time when a redelivered message repeats this.
    await this.db('replay_requests').where({ id: replayRequestId }).update({
      status: 'dispatched',
      dispatched_at: this.db.raw('COALESCE(dispatched_at, now())'),
      job_count: jobCount,
    });
  }
}
