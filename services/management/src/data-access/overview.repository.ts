// The aggregates of the operator console's overview: events received and attempts per minute over a recent
// window, integrations by state, dead letters, and the oldest job still waiting for delivery; for a workspace,
// only its events, its integrations and their jobs and attempts count.
import { toDeliveryJob, type DeliveryJobRow, type Knex } from '@hookway/db';
import { INTEGRATION_STATES, UNFINISHED_JOB_STATUSES, type IntegrationState } from '@hookway/contracts';
import type { MinuteCounts, Overview, OverviewReader, WaitingJob, WorkspaceScope } from '../domain/ports.js';
import { inWorkspace, viaIntegration } from './shared.js';

/** Jobs still waiting for their delivery, whatever holds them. */
const WAITING_STATUSES = UNFINISHED_JOB_STATUSES;

interface MinuteRow {
  minute: Date;
  received: number;
  delivered: number;
  failed: number;
}

const WAITING_JOB_COLUMNS = ['id', 'event_id', 'integration_id', 'status', 'attempt_count', 'created_at'] as const;
type WaitingJobRow = Pick<DeliveryJobRow, (typeof WAITING_JOB_COLUMNS)[number]>;

export class OverviewRepository implements OverviewReader {
  constructor(private readonly db: Knex) {}

  /** One row per minute of the last `minutes` minutes, the current one included, oldest first; empty minutes count 0. */
  async perMinute(minutes: number, { workspaceId }: WorkspaceScope): Promise<MinuteCounts[]> {
    // Minutes are cut in UTC, so a session time zone with a sub-hour offset cannot shift the buckets.
    const events = workspaceId ? 'AND workspace_id = ?' : '';
    const attempts = workspaceId ? 'AND integration_id IN (SELECT id FROM integrations WHERE workspace_id = ?)' : '';
    const result = await this.db.raw<{ rows: MinuteRow[] }>(
      `WITH minutes AS (
         SELECT generate_series(
           date_trunc('minute', now(), 'UTC') - make_interval(mins => ?::int - 1),
           date_trunc('minute', now(), 'UTC'),
           interval '1 minute') AS minute
       ),
       received AS (
         SELECT date_trunc('minute', received_at, 'UTC') AS minute, count(*)::int AS n
         FROM events WHERE received_at >= (SELECT min(minute) FROM minutes) ${events} GROUP BY 1
       ),
       attempts AS (
         SELECT date_trunc('minute', created_at, 'UTC') AS minute,
                count(*) FILTER (WHERE status = 'success')::int AS delivered,
                count(*) FILTER (WHERE status = 'failed')::int AS failed
         FROM delivery_attempts WHERE created_at >= (SELECT min(minute) FROM minutes) ${attempts} GROUP BY 1
       )
       SELECT m.minute, coalesce(r.n, 0) AS received, coalesce(a.delivered, 0) AS delivered, coalesce(a.failed, 0) AS failed
       FROM minutes m LEFT JOIN received r USING (minute) LEFT JOIN attempts a USING (minute)
       ORDER BY m.minute`,
      workspaceId ? [minutes, workspaceId, workspaceId] : [minutes],
    );
    return result.rows.map((row) => ({ minute: row.minute, received: row.received, delivered: row.delivered, failed: row.failed }));
  }

  async integrationsByState({ workspaceId }: WorkspaceScope): Promise<Record<IntegrationState, number>> {
    const rows = await inWorkspace(this.db('integrations'), workspaceId).select('state').count<{ state: IntegrationState; count: number | string }[]>({ count: '*' })
      .groupBy('state');
    const counts = Object.fromEntries(INTEGRATION_STATES.map((state) => [state, 0])) as Record<IntegrationState, number>;
    for (const row of rows) counts[row.state] = Number(row.count);
    return counts;
  }

  async jobCounts({ workspaceId }: WorkspaceScope): Promise<{ dead: number; waiting: number }> {
    const row = (await viaIntegration(this.db, this.db('delivery_jobs'), workspaceId)
      .select(
        this.db.raw(`count(*) FILTER (WHERE status = 'dead')::int AS dead`),
        this.db.raw('count(*) FILTER (WHERE status = ANY(?::text[]))::int AS waiting', [[...WAITING_STATUSES]]),
      )
      .whereIn('status', ['dead', ...WAITING_STATUSES])
      .first()) as { dead: number; waiting: number } | undefined;
    return { dead: row?.dead ?? 0, waiting: row?.waiting ?? 0 };
  }

  async oldestWaitingJob({ workspaceId }: WorkspaceScope): Promise<WaitingJob | null> {
    const row = (await viaIntegration(this.db, this.db('delivery_jobs'), workspaceId)
      .select(WAITING_JOB_COLUMNS)
      .whereIn('status', WAITING_STATUSES)
      .orderBy([{ column: 'created_at' }, { column: 'id' }])
      .first()) as WaitingJobRow | undefined;
    return row ? toDeliveryJob(row, WAITING_JOB_COLUMNS) : null;
  }

  async overview(minutes: number, scope: WorkspaceScope): Promise<Overview> {
    const [perMinute, integrationsByState, jobs, oldestPendingJob] = await Promise.all([
      this.perMinute(minutes, scope),
      this.integrationsByState(scope),
      this.jobCounts(scope),
      this.oldestWaitingJob(scope),
    ]);
    return { windowMinutes: minutes, perMinute, integrationsByState, deadLetters: jobs.dead, pendingJobs: jobs.waiting, oldestPendingJob };
  }
}
