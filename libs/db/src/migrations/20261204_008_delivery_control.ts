// Delivery control (issue 19): an integration's payload filter and rate limit, and the pacing state
// the dispatcher replicas share so that together they never send faster than the limit.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('integrations', (t) => {
    // Null: every event of its types. Validated by management before it is stored (payload-filter.ts).
    t.jsonb('filter');
    // Both null: no limit.
    t.double('rate_limit_per_second');
    t.integer('rate_limit_burst');
  });
  await knex.raw(`ALTER TABLE integrations ADD CONSTRAINT integrations_rate_limit_check CHECK (
    (rate_limit_per_second IS NULL AND rate_limit_burst IS NULL)
    OR (rate_limit_per_second > 0 AND rate_limit_burst >= 1))`);
  // One row per integration that is paced: the generic cell rate algorithm's theoretical arrival time
  // (the budget shared by every dispatcher replica), and how long a receiver's 429 retry-after holds it.
  await knex.schema.createTable('integration_pacing', (t) => {
    t.uuid('integration_id').primary().references('integrations.id').onDelete('CASCADE');
    t.timestamp('theoretical_arrival_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // The slot the last reservation got (read back by the statement that reserves it).
    t.timestamp('last_slot_at', { useTz: true });
    t.timestamp('paused_until', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('integration_pacing');
  await knex.raw('ALTER TABLE integrations DROP CONSTRAINT IF EXISTS integrations_rate_limit_check');
  await knex.schema.alterTable('integrations', (t) => {
    t.dropColumn('rate_limit_burst');
    t.dropColumn('rate_limit_per_second');
    t.dropColumn('filter');
  });
}
