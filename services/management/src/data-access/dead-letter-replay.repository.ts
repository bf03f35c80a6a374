// Bulk dead-letter replays: one row per operator request, updated as the background run progresses.
import type { Knex } from '@hookway/db';
import type { BulkReplay, BulkReplayStatus, BulkReplayStore, DeadLetterFilter, WorkspaceScope } from '../domain/ports.js';

interface BulkReplayRow {
  id: string;
  status: BulkReplayStatus;
  filter: DeadLetterFilter;
  requested_by: string;
  reason: string;
  matched: number | null;
  requeued: number;
  error: string | null;
  created_at: Date;
  completed_at: Date | null;
}

function toBulkReplay(row: BulkReplayRow): BulkReplay {
  return {
    id: row.id,
    status: row.status,
    filter: row.filter,
    requestedBy: row.requested_by,
    reason: row.reason,
    matched: row.matched,
    requeued: row.requeued,
    error: row.error,
    createdAt: row.created_at,
    completedAt: row.completed_at,
  };
}

export class DeadLetterReplayRepository implements BulkReplayStore {
  constructor(private readonly db: Knex) {}

  async create(input: { filter: DeadLetterFilter; requestedBy: string; reason: string }): Promise<BulkReplay> {
    const [row] = (await this.db('dead_letter_replays').insert({
      filter: JSON.stringify(input.filter),
      requested_by: input.requestedBy,
      reason: input.reason,
      status: 'running',
    }).returning('*')) as BulkReplayRow[];
    return toBulkReplay(row!);
  }

  /** A run belongs to the workspace its filter names; one without (an operator's) is seen by the operator only. */
  async find(id: string, scope: WorkspaceScope): Promise<BulkReplay | undefined> {
    let query = this.db('dead_letter_replays').where({ id });
    if (scope.workspaceId) query = query.whereRaw(`filter->>'workspaceId' = ?`, [scope.workspaceId]);
    const row = (await query.first()) as BulkReplayRow | undefined;
    return row && toBulkReplay(row);
  }

  async progress(id: string, progress: { matched?: number; requeued?: number }): Promise<void> {
    await this.db('dead_letter_replays').where({ id }).update(progress);
  }

  async finish(id: string, outcome: { status: 'completed' } | { status: 'failed'; error: string }): Promise<void> {
    await this.db('dead_letter_replays').where({ id }).update({
      status: outcome.status,
      error: outcome.status === 'failed' ? outcome.error : null,
      completed_at: this.db.fn.now(),
    });
  }
}
