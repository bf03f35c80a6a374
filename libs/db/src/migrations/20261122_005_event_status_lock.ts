// hookway_refresh_event_status (003) locked the event row FOR UPDATE, which also blocks the KEY SHARE
// lock every delivery_jobs insert takes on its event for the foreign-key check: a fan-out creating jobs
// waited for every roll-up of the same event in flight. The roll-up never changes the event's key, so
// FOR NO KEY UPDATE (the lock its own UPDATE takes) serialises roll-ups just the same and lets job
// inserts through. Otherwise the function is unchanged.
//
// The function text is this migration's own copy, frozen as released: 003 may be edited without changing
// what 005 runs (libs/db/test/released-migrations.test.ts holds the SQL of both to what was released).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(refreshEventStatusFunction('CREATE OR REPLACE', 'FOR NO KEY UPDATE'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(refreshEventStatusFunction('CREATE OR REPLACE', 'FOR UPDATE'));
}

/** hookway_refresh_event_status as 005 (re)creates it, with the given row lock. */
export function refreshEventStatusFunction(create: 'CREATE OR REPLACE', lock: 'FOR UPDATE' | 'FOR NO KEY UPDATE'): string {
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
