// The rate-limit budget every dispatcher replica shares: one integration_pacing row per paced
// integration, holding the generic cell rate algorithm's theoretical arrival time. A reservation is one
// upsert under the row lock, so concurrent replicas are serialised by PostgreSQL and every slot handed
// out is at least one interval after the previous one (beyond the burst). Times are the database clock's.
import { PreparedQueries, prepared, rateLimitOf, type Knex } from '@hookway/db';
import { reservedSlots, type PacingSettings, type PacingStore } from '../domain/rate-limiter.js';

const SETTINGS = prepared('dispatcher_pacing_settings',
  `SELECT i.rate_limit_per_second, i.rate_limit_burst,
          greatest(0, extract(epoch FROM (p.paused_until - now())) * 1000)::float8 AS paused_for_ms
     FROM integrations i LEFT JOIN integration_pacing p ON p.integration_id = i.id
    WHERE i.id = $1::uuid`);

// Reserves $2 slots at once: the theoretical arrival time moves on by $2 intervals ($3 ms each) from
// max(old value, now, the end of a receiver's pause); the old value, now and the pause are read back (in
// ms of the database clock) so reservedSlots can say when each slot is. A new row starts at now.
const RESERVE = prepared('dispatcher_pacing_reserve',
  `INSERT INTO integration_pacing AS p (integration_id, theoretical_arrival_at, last_slot_at)
   VALUES ($1::uuid, now() + $2::int * $3::float8 * interval '1 millisecond', now())
   ON CONFLICT (integration_id) DO UPDATE SET
     last_slot_at = p.theoretical_arrival_at,
     theoretical_arrival_at = greatest(p.theoretical_arrival_at, now(), coalesce(p.paused_until, now()))
       + $2::int * $3::float8 * interval '1 millisecond'
   RETURNING extract(epoch FROM last_slot_at)::float8 * 1000 AS previous_ms, extract(epoch FROM now())::float8 * 1000 AS now_ms,
             coalesce(extract(epoch FROM paused_until)::float8 * 1000, 0) AS paused_until_ms`);

const PAUSE = prepared('dispatcher_pacing_pause',
  `INSERT INTO integration_pacing AS p (integration_id, theoretical_arrival_at, paused_until)
   VALUES ($1::uuid, now(), now() + $2::float8 * interval '1 millisecond')
   ON CONFLICT (integration_id) DO UPDATE SET
     paused_until = greatest(coalesce(p.paused_until, now()), now() + $2::float8 * interval '1 millisecond')`);

export class PacingRepository implements PacingStore {
  private readonly sql: PreparedQueries;

  constructor(db: Knex) {
    this.sql = new PreparedQueries(db);
  }

  async settings(integrationId: string): Promise<PacingSettings | undefined> {
    const [row] = await this.sql.query<{ rate_limit_per_second: number | null; rate_limit_burst: number | null; paused_for_ms: number | null }>(
      SETTINGS, [integrationId]);
    if (!row) return undefined;
    return {
      rateLimit: rateLimitOf(row),
      pausedForMs: row.paused_for_ms ?? 0,
    };
  }

  async reserve(integrationId: string, count: number, intervalMs: number, toleranceMs: number): Promise<number[]> {
    const [row] = await this.sql.query<{ previous_ms: number; now_ms: number; paused_until_ms: number }>(RESERVE, [integrationId, count, intervalMs]);
    return reservedSlots({ previousMs: row!.previous_ms, nowMs: row!.now_ms, pausedUntilMs: row!.paused_until_ms }, count, intervalMs, toleranceMs);
  }

  async pause(integrationId: string, forMs: number): Promise<void> {
    await this.sql.query(PAUSE, [integrationId, forMs]);
  }
}
