// Delivery attempts: the per-event and per-job timelines, the operator-wide delivery log, an integration's
// statistics, and purging an integration's delivery history.
import type { Knex } from '@hookway/db';
import type {
  AttemptSearch, AttemptStats, AttemptStatus, DeliveryAttempt, DeliveryAttemptStore, Page,
} from '../domain/ports.js';
import { paginate } from './shared.js';

interface DeliveryAttemptRow {
  id: string;
  job_id: string;
  event_id: string;
  integration_id: string;
  attempt_number: number;
  status: AttemptStatus;
  status_code: number | null;
  latency_ms: number;
  request_url: string;
  request_headers: Record<string, unknown>;
  response_headers: Record<string, unknown> | null;
  response_body: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: Date;
}

const ATTEMPT_COLUMNS = [
  'id', 'job_id', 'event_id', 'integration_id', 'attempt_number', 'status', 'status_code', 'latency_ms', 'request_url',
  'request_headers', 'response_headers', 'response_body', 'error_code', 'error_message', 'created_at',
] as const;

function toAttempt(row: DeliveryAttemptRow): DeliveryAttempt {
  return {
    id: row.id,
    jobId: row.job_id,
    eventId: row.event_id,
    integrationId: row.integration_id,
    attemptNumber: row.attempt_number,
    status: row.status,
    statusCode: row.status_code,
    latencyMs: row.latency_ms,
    requestUrl: row.request_url,
    requestHeaders: row.request_headers,
    responseHeaders: row.response_headers,
    responseBody: row.response_body,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    createdAt: row.created_at,
  };
}

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
      let query = this.db('delivery_attempts');
      if (search.status) query = query.where('status', search.status);
      if (search.eventId) query = query.where('event_id', search.eventId);
      if (search.integrationId) query = query.where('integration_id', search.integrationId);
      return query;
    };
    return paginate<DeliveryAttemptRow, DeliveryAttempt>(
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
