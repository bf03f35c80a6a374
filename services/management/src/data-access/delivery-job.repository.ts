// Delivery jobs (one per event × integration × dispatch): the event views, one job's detail, the dead
// letters, and releasing the jobs a paused integration parked (the statements: libs/db job-statements.ts).
import { releaseParkedJobs, reparkJobs, toDeliveryJob, type DeliveryJobRow, type Knex } from '@hookway/db';
import { jobMessage, nextAttemptOf, UNFINISHED_JOB_STATUSES, type JobMessage } from '@hookway/contracts';
import type {
  DeadLetter, DeadLetterFilter, DeliveryJob, DeliveryJobStore, JobCounts, Page, PageRequest, ScopedJob, WorkspaceScope,
} from '../domain/ports.js';
import { paginate, viaIntegration } from './shared.js';

// What the API shows of a job (not the sweeper's count nor the ordering columns).
const JOB_COLUMNS = [
  'id', 'event_id', 'integration_id', 'replay_request_id', 'status', 'attempt_count', 'max_attempts', 'next_attempt_at',
  'last_error', 'last_status_code', 'created_at', 'updated_at', 'completed_at',
] as const;
type JobRow = Pick<DeliveryJobRow, (typeof JOB_COLUMNS)[number]>;

const toJob = (row: JobRow): DeliveryJob => toDeliveryJob(row, JOB_COLUMNS);

interface DeadLetterRow {
  id: string;
  event_id: string;
  integration_id: string;
  provider: string;
  type: string;
  attempt_count: number;
  last_error: string | null;
  last_status_code: number | null;
  completed_at: Date | null;
}

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    jobId: row.id,
    eventId: row.event_id,
    integrationId: row.integration_id,
    provider: row.provider,
    eventType: row.type,
    attemptCount: row.attempt_count,
    lastError: row.last_error,
    lastStatusCode: row.last_status_code,
    deadAt: row.completed_at,
  };
}

const DEAD_LETTER_COLUMNS = [
  'j.id', 'j.event_id', 'j.integration_id', 'e.provider', 'e.type', 'j.attempt_count', 'j.last_error', 'j.last_status_code',
  'j.completed_at',
] as const;

export class DeliveryJobRepository implements DeliveryJobStore {
  constructor(private readonly db: Knex) {}

  /** Jobs of an event, oldest first (the timeline order of the event detail). */
  async listForEvent(eventId: string): Promise<DeliveryJob[]> {
    const rows = (await this.db('delivery_jobs').select(JOB_COLUMNS).where({ event_id: eventId })
      .orderBy([{ column: 'created_at' }, { column: 'id' }])) as JobRow[];
    return rows.map(toJob);
  }

  /** The most recent jobs of an event, newest first. */
  async recentForEvent(eventId: string, limit: number): Promise<DeliveryJob[]> {
    const rows = (await this.db('delivery_jobs').select(JOB_COLUMNS).where({ event_id: eventId })
      .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit)) as JobRow[];
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

  /** The job with its integration's workspace, when that is in the scope. */
  async find(id: string, scope: WorkspaceScope): Promise<ScopedJob | undefined> {
    let query = this.db({ j: 'delivery_jobs' }).join({ i: 'integrations' }, 'i.id', 'j.integration_id').where('j.id', id)
      .select([...JOB_COLUMNS.map((column) => `j.${column}`), 'i.workspace_id']);
    if (scope.workspaceId) query = query.where('i.workspace_id', scope.workspaceId);
    const row = (await query.first()) as (JobRow & { workspace_id: string }) | undefined;
    return row && { ...toJob(row), workspaceId: row.workspace_id };
  }

  /**
   * Hands an integration's parked jobs back to delivery: 'pending' if they never made an attempt, else
   * 'retrying', and refreshes their events' statuses (a released retry makes its event `retrying` again).
   * Returns the job message that lets each one be claimed (attempt = attempt_count + 1, which is what the
   * dispatcher's claim accepts from either state). The rows are locked in id order, as the dispatcher's claim
   * locks them, and stay locked until the transaction ends. `waiting` jobs are not touched: the job ahead of
   * them in their subject is parked instead, and the dispatcher releases them when that one ends.
   */
  async releaseParked(integrationId: string): Promise<JobMessage[]> {
    const rows = await releaseParkedJobs(this.db, integrationId);
    await this.refreshEventStatuses(rows.map((row) => row.event_id));
    return rows.map((row) => jobMessage(
      { jobId: row.id, eventId: row.event_id, integrationId: row.integration_id },
      nextAttemptOf({ attemptCount: row.attempt_count }),
    ));
  }

  /**
   * Parks released jobs again whose job message could not be published, unless a claim took them meanwhile,
   * and refreshes their events' statuses. Only `pending` and `retrying` jobs qualify: a `waiting` one has no
   * message to lose.
   */
  async repark(messages: readonly JobMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const rows = await reparkJobs(this.db, messages);
    await this.refreshEventStatuses(rows.map((row) => row.event_id));
  }

  /** The status roll-up (hookway_refresh_event_status), events in id order as every writer of several locks them. */
  private async refreshEventStatuses(eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    await this.db.raw('SELECT hookway_refresh_event_status(event_id) FROM unnest(?::uuid[]) AS event_id', [[...new Set(eventIds)].sort()]);
  }

  async countsForIntegration(integrationId: string): Promise<JobCounts> {
    const row = (await this.db('delivery_jobs')
      .where({ integration_id: integrationId })
      .select(
        this.db.raw('count(*) FILTER (WHERE status = ANY(?::text[]))::int AS pending', [[...UNFINISHED_JOB_STATUSES]]),
        this.db.raw(`count(*) FILTER (WHERE status = 'dead')::int AS dead`),
      )
      .first()) as { pending: number; dead: number } | undefined;
    return { pending: row?.pending ?? 0, dead: row?.dead ?? 0 };
  }

  private deadLetters(filter: DeadLetterFilter): Knex.QueryBuilder {
    let query = viaIntegration(this.db, this.db({ j: 'delivery_jobs' }).join({ e: 'events' }, 'e.id', 'j.event_id').where('j.status', 'dead'),
      filter.workspaceId, 'j.integration_id');
    if (filter.integrationId) query = query.where('j.integration_id', filter.integrationId);
    if (filter.provider) query = query.where('e.provider', filter.provider);
    if (filter.eventType) query = query.where('e.type', filter.eventType);
    if (filter.since) query = query.where('j.completed_at', '>=', filter.since);
    return query;
  }

  /** Dead jobs, most recently dead first. */
  async searchDeadLetters(search: DeadLetterFilter & PageRequest): Promise<Page<DeadLetter>> {
    return paginate<DeadLetterRow, DeadLetter>(
      this.db,
      () => this.deadLetters(search),
      search,
      (query) => query.select(DEAD_LETTER_COLUMNS).orderBy([
        { column: 'j.completed_at', order: 'desc', nulls: 'last' },
        { column: 'j.id', order: 'desc' },
      ]),
      toDeadLetter,
    );
  }

  /**
   * Dead jobs matching a filter that existed by `createdBefore`, in id order after `afterId`: a bulk replay
   * walks them in keyset batches, and the jobs its own replays create (later, and maybe dead again) stay out.
   */
  async deadLetterBatch(filter: DeadLetterFilter, createdBefore: Date, afterId: string | null, limit: number): Promise<DeadLetter[]> {
    let query = this.deadLetters(filter).where('j.created_at', '<=', createdBefore);
    if (afterId) query = query.where('j.id', '>', afterId);
    const rows = (await query.select(DEAD_LETTER_COLUMNS).orderBy('j.id').limit(limit)) as DeadLetterRow[];
    return rows.map(toDeadLetter);
  }

  async countDeadLetters(filter: DeadLetterFilter, createdBefore: Date): Promise<number> {
    const row = (await this.deadLetters(filter).where('j.created_at', '<=', createdBefore)
      .count<{ count: number }[]>({ count: '*' }).first());
    return row?.count ?? 0;
  }
}
