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

  async markDispatched(replayRequestId: string): Promise<number> {
    // The count is taken from the committed jobs, not from what this run saw: two runs of one replay at once
    // each see only the jobs they inserted (a concurrent insert is skipped by ON CONFLICT and invisible to the
    // statement's snapshot), and the later one would record 0. By now the other run's insert has committed.
    // dispatched_at keeps the first dispatch's time when a redelivered message repeats this.
    const rows = await this.db.raw<{ rows: Array<{ job_count: number }> }>(`
      UPDATE replay_requests
         SET status = 'dispatched', dispatched_at = COALESCE(dispatched_at, now()),
             job_count = (SELECT count(*)::int FROM delivery_jobs WHERE replay_request_id = ?)
       WHERE id = ?
      RETURNING job_count`, [replayRequestId, replayRequestId]);
    return rows.rows[0]?.job_count ?? 0;
  }
}
