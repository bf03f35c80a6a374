// Reads delivery jobs (one per event × integration × dispatch) for the event views.
import type { Knex } from '@hookway/db';
import type { JobStatus } from '@hookway/contracts';

export interface DeliveryJob {
  id: string;
  integrationId: string;
  replayRequestId: string | null;
  status: JobStatus;
  attemptCount: number;
  maxAttempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  lastStatusCode: number | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

interface DeliveryJobRow {
  id: string;
  integration_id: string;
  replay_request_id: string | null;
  status: JobStatus;
  attempt_count: number;
  max_attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  last_status_code: number | null;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
}

const JOB_COLUMNS = [
  'id', 'integration_id', 'replay_request_id', 'status', 'attempt_count', 'max_attempts', 'next_attempt_at',
  'last_error', 'last_status_code', 'created_at', 'updated_at', 'completed_at',
] as const;

function toJob(row: DeliveryJobRow): DeliveryJob {
  return {
    id: row.id,
    integrationId: row.integration_id,
    replayRequestId: row.replay_request_id,
    status: row.status,
    attemptCount: row.attempt_count,
    maxAttempts: row.max_attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    lastStatusCode: row.last_status_code,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
  };
}

export class DeliveryJobRepository {
  constructor(private readonly db: Knex) {}

  /** Jobs of an event, oldest first (the timeline order of the event detail). */
  async listForEvent(eventId: string): Promise<DeliveryJob[]> {
    const rows = (await this.db('delivery_jobs').select(JOB_COLUMNS).where({ event_id: eventId })
      .orderBy([{ column: 'created_at' }, { column: 'id' }])) as DeliveryJobRow[];
    return rows.map(toJob);
  }

  /** The most recent jobs of an event, newest first. */
  async recentForEvent(eventId: string, limit: number): Promise<DeliveryJob[]> {
    const rows = (await this.db('delivery_jobs').select(JOB_COLUMNS).where({ event_id: eventId })
      .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit)) as DeliveryJobRow[];
    return rows.map(toJob);
  }

  /** The last_error of the most recently updated job that has one. */
  async latestErrorForEvent(eventId: string): Promise<string | null> {
    const row = (await this.db('delivery_jobs').select('last_error').where({ event_id: eventId }).whereNotNull('last_error')
      .orderBy([{ column: 'updated_at', order: 'desc' }, { column: 'id', order: 'desc' }]).first()) as
      | { last_error: string }
      | undefined;
    return row?.last_error ?? null;
  }
}
