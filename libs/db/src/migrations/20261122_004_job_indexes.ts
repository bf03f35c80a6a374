// Fewer indexes to maintain on delivery_jobs, whose rows are written three times per delivery (created,
// claimed, recorded) and, status being indexed, never as HOT updates: each write inserts an entry into
// every index. delivery_jobs_event_id_index duplicates the leading column of delivery_jobs_dispatch_key;
// the status index served only queries for dead jobs, which delivery_jobs_dead_idx (002) covers.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS delivery_jobs_event_id_index');
  await knex.raw('DROP INDEX IF EXISTS delivery_jobs_status_index');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX IF NOT EXISTS delivery_jobs_status_index ON delivery_jobs (status)');
  await knex.raw('CREATE INDEX IF NOT EXISTS delivery_jobs_event_id_index ON delivery_jobs (event_id)');
}
