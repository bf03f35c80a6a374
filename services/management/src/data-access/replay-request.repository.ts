// Replay requests double as an outbox: a row is committed first, and published_at is set only once
// the broker confirmed its messages, so a request accepted while RabbitMQ is down is relayed later.
// A request with an integration_id (a job retry or dead-letter replay) is dispatched to that integration only.
import type { Knex } from '@hookway/db';
import type { NewReplayRequest, ReplayRequest, ReplayRequestStore, WorkspaceScope } from '../domain/ports.js';

interface ReplayRequestRow {
  id: string;
  event_id: string;
  workspace_id: string;
  provider: string;
  type: string;
  integration_id: string | null;
  source_job_id: string | null;
  requested_by: string;
  reason: string;
  correlation_id: string | null;
  created_at: Date;
}

// Joined with the event because the replay message is routed by the event's provider and type.
const COLUMNS = [
  'r.id', 'r.event_id', 'e.workspace_id', 'e.provider', 'e.type', 'r.integration_id', 'r.source_job_id', 'r.requested_by', 'r.reason', 'r.correlation_id', 'r.created_at',
] as const;

function toReplayRequest(row: ReplayRequestRow): ReplayRequest {
  return {
    id: row.id,
    eventId: row.event_id,
    workspaceId: row.workspace_id,
    provider: row.provider,
    eventType: row.type,
    integrationId: row.integration_id,
    sourceJobId: row.source_job_id,
    requestedBy: row.requested_by,
    reason: row.reason,
    correlationId: row.correlation_id,
    createdAt: row.created_at,
  };
}

export class ReplayRequestRepository implements ReplayRequestStore {
  constructor(private readonly db: Knex) {}

  /**
   * Inserts a pending request for an existing event of the scope and commits it. Returns undefined when the
   * event does not exist there (checked in the same statement, so a concurrent delete cannot slip between).
   */
  async create(request: NewReplayRequest, scope: WorkspaceScope): Promise<ReplayRequest | undefined> {
    const result = await this.db.raw<{ rows: ReplayRequestRow[] }>(
      `WITH inserted AS (
         INSERT INTO replay_requests (event_id, integration_id, source_job_id, requested_by, reason, status, correlation_id)
         SELECT id, ?, ?, ?, ?, 'pending', ? FROM events WHERE id = ? AND (?::uuid IS NULL OR workspace_id = ?::uuid)
         RETURNING *
       )
       SELECT i.id, i.event_id, e.workspace_id, e.provider, e.type, i.integration_id, i.source_job_id, i.requested_by, i.reason,
              i.correlation_id, i.created_at
       FROM inserted i JOIN events e ON e.id = i.event_id`,
      [
        request.integrationId ?? null, request.sourceJobId ?? null, request.requestedBy, request.reason, request.correlationId,
        request.eventId, scope.workspaceId ?? null, scope.workspaceId ?? null,
      ],
    );
    const row = result.rows[0];
    return row && toReplayRequest(row);
  }

  async markPublished(ids: string[], trx: Knex | Knex.Transaction = this.db): Promise<void> {
    if (ids.length === 0) return;
    await trx('replay_requests').whereIn('id', ids).whereNull('published_at').update({ published_at: trx.fn.now() });
  }

  /** Unpublished requests older than `olderThan`, locked so concurrent relays skip them. */
  async claimUnpublished(trx: Knex.Transaction, limit: number, olderThan: Date): Promise<ReplayRequest[]> {
    const rows = (await trx({ r: 'replay_requests' })
      .join({ e: 'events' }, 'e.id', 'r.event_id')
      .select(COLUMNS)
      .whereNull('r.published_at')
      .where('r.created_at', '<', olderThan)
      .orderBy('r.created_at')
      .limit(limit)
      .forUpdate('r')
      .skipLocked()) as ReplayRequestRow[];
    return rows.map(toReplayRequest);
  }
}
