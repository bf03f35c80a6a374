// Delivery attempts: the per-event and per-job timelines, the operator-wide delivery log, an integration's
// statistics, and purging an integration's delivery history.
import { DELIVERY_ATTEMPT_COLUMNS as ATTEMPT_COLUMNS, toDeliveryAttempt, type DeliveryAttemptRow, type Knex } from '@hookway/db';
import type {
  AttemptSearch, AttemptStats, DeliveryAttempt, DeliveryAttemptStore, Page,
} from '../domain/ports.js';
import { paginate, viaIntegration } from './shared.js';

const toAttempt = (row: DeliveryAttemptRow): DeliveryAttempt => toDeliveryAttempt(row, ATTEMPT_COLUMNS);

interface AttemptStatsRow {
  total: number;
  successful: number;
  failed: number;
  average_latency: string | null;
  p95_latency: number | null;
  last_success_at: Date | null;
  last_failure_at: Date | null;
}

/** Latencies are whole milliseconds; aggregates keep two decimals. */
function twoDecimals(value: string | number | null): number | null {
  return value === null ? null : Math.round(Number(value) * 100) / 100;
}

export class DeliveryAttemptRepository implements DeliveryAttemptStore {
  constructor(private readonly db: Knex) {}

  /** Newest first. */
  async search(search: AttemptSearch): Promise<Page<DeliveryAttempt>> {
    const filtered = (): Knex.QueryBuilder => {
      let query = viaIntegration(this.db, this.db('delivery_attempts'), search.workspaceId);
      if (search.status) query = query.where('status', search.status);
      if (search.eventId) query = query.where('event_id', search.eventId);
      if (search.integrationId) query = query.where('integration_id', search.integrationId);
      return query;
    };
    return paginate<DeliveryAttemptRow, DeliveryAttempt>(
      this.db,
      filtered,
      search,
      (query) => query.select(ATTEMPT_COLUMNS).orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]),
      toAttempt,
    );
  }

  /** Every attempt of an event in the order they were made. */
  async listForEvent(eventId: string): Promise<DeliveryAttempt[]> {
    const rows = (await this.db('delivery_attempts').select(ATTEMPT_COLUMNS).where({ event_id: eventId })
      .orderBy([{ column: 'created_at' }, { column: 'attempt_number' }, { column: 'id' }])) as DeliveryAttemptRow[];
    return rows.map(toAttempt);
  }

  async countForEvent(eventId: string): Promise<number> {
    const row = (await this.db('delivery_attempts').where({ event_id: eventId }).count<{ count: number }[]>({ count: '*' })
      .first());
    return row?.count ?? 0;
  }

  async latestFailedForEvent(eventId: string): Promise<DeliveryAttempt | undefined> {
    const row = (await this.db('delivery_attempts').select(ATTEMPT_COLUMNS).where({ event_id: eventId, status: 'failed' })
      .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'attempt_number', order: 'desc' }]).first()) as
      | DeliveryAttemptRow
      | undefined;
    return row && toAttempt(row);
  }

  /** The attempts of one job, in attempt order. */
  async listForJob(jobId: string): Promise<DeliveryAttempt[]> {
    const rows = (await this.db('delivery_attempts').select(ATTEMPT_COLUMNS).where({ job_id: jobId })
      .orderBy([{ column: 'attempt_number' }, { column: 'id' }])) as DeliveryAttemptRow[];
    return rows.map(toAttempt);
  }

  async statsForIntegration(integrationId: string): Promise<AttemptStats> {
    const row = (await this.db('delivery_attempts')
      .where({ integration_id: integrationId })
      .select(
        this.db.raw('count(*)::int AS total'),
        this.db.raw(`count(*) FILTER (WHERE status = 'success')::int AS successful`),
        this.db.raw(`count(*) FILTER (WHERE status = 'failed')::int AS failed`),
        this.db.raw('avg(latency_ms) AS average_latency'),
        this.db.raw('percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95_latency'),
        this.db.raw(`max(created_at) FILTER (WHERE status = 'success') AS last_success_at`),
        this.db.raw(`max(created_at) FILTER (WHERE status = 'failed') AS last_failure_at`),
      )
      .first()) as AttemptStatsRow;
    return {
      totalAttempts: row.total,
      successfulAttempts: row.successful,
      failedAttempts: row.failed,
      averageLatencyMs: twoDecimals(row.average_latency),
      p95LatencyMs: twoDecimals(row.p95_latency),
      lastSuccessAt: row.last_success_at,
      lastFailureAt: row.last_failure_at,
    };
  }

  /** Deletes every recorded attempt of an integration (its jobs stay); returns how many. */
  async purgeForIntegration(integrationId: string): Promise<number> {
    return this.db('delivery_attempts').where({ integration_id: integrationId }).delete();
  }
}
