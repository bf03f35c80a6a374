// The event status roll-up as one database function, so every writer that changes an event's jobs
// refreshes its status in a single round trip instead of a lock, a read and an update of its own.
// An event's status is derived from its delivery jobs, never set by hand; only the latest job per
// integration counts, so a successful replay clears an earlier failure for that integration.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // retrying wins whatever the others (a delivery failed and waits for its next attempt: what an
  // operator needs to see); otherwise pending/delivering/parked → processing (parked jobs wait for
  // their integration to resume); all terminal → failed if any failed or died, else processed.
  // An event no integration subscribes to (no jobs) is processed.
  await knex.raw(`
    CREATE FUNCTION hookway_event_status(job_statuses text[]) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT AS $$
      SELECT CASE
        WHEN 'retrying' = ANY (job_statuses) THEN 'retrying'
        WHEN job_statuses && ARRAY['pending', 'delivering', 'parked'] THEN 'processing'
        WHEN job_statuses && ARRAY['failed', 'dead'] THEN 'failed'
        ELSE 'processed'
      END
    $$`);
  // The event row is locked first, so concurrent roll-ups of one event (one per finishing job) run one
  // after the other; each later statement of a VOLATILE function takes a fresh snapshot under READ
  // COMMITTED, so the roll-up sees every job committed before the lock was granted: a stale roll-up
  // can never win. Returns the status, or NULL when the event does not exist.
  await knex.raw(refreshEventStatusFunction('CREATE', 'FOR UPDATE'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP FUNCTION IF EXISTS hookway_refresh_event_status(uuid)');
  await knex.raw('DROP FUNCTION IF EXISTS hookway_event_status(text[])');
}

/** hookway_refresh_event_status with the given row lock (005 replaces FOR UPDATE by FOR NO KEY UPDATE). */
export function refreshEventStatusFunction(create: 'CREATE' | 'CREATE OR REPLACE', lock: 'FOR UPDATE' | 'FOR NO KEY UPDATE'): string {
  return `
    ${create} FUNCTION hookway_refresh_event_status(target uuid) RETURNS text
    LANGUAGE plpgsql VOLATILE AS $$
    DECLARE
      current_status text;
      rolled_up text;
    BEGIN
      SELECT status INTO current_status FROM events WHERE id = target ${lock};
      IF NOT FOUND THEN
        RETURN NULL;
      END IF;
      SELECT hookway_event_status(COALESCE(array_agg(latest.status), '{}'::text[])) INTO rolled_up
        FROM (SELECT DISTINCT ON (integration_id) status
                FROM delivery_jobs
               WHERE event_id = target
               ORDER BY integration_id, created_at DESC, id DESC) AS latest;
      IF rolled_up IS DISTINCT FROM current_status THEN
        UPDATE events SET status = rolled_up, updated_at = now() WHERE id = target;
      END IF;
      RETURN rolled_up;
    END
    $$`;
}
