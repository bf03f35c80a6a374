// Operator actions: replays scoped to one integration (dead-letter and job replays start a fresh
// attempt series for that integration only), Idempotency-Key records, bulk dead-letter replays,
// and the URL-ownership verification of integrations.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('replay_requests', (t) => {
    // Null: every matching integration (an event replay). Set: only this one (a job or dead-letter replay).
    t.uuid('integration_id').references('integrations.id').onDelete('CASCADE');
    t.uuid('source_job_id').references('delivery_jobs.id').onDelete('SET NULL');
  });

  await knex.schema.createTable('idempotency_keys', (t) => {
    t.text('scope').notNullable(); // e.g. "POST /integrations"
    t.text('key').notNullable();
    t.text('request_hash').notNullable();
    t.integer('response_status');
    t.jsonb('response_body');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['scope', 'key']);
    t.index(['created_at']);
  });

  await knex.schema.createTable('dead_letter_replays', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.jsonb('filter').notNullable();
    t.text('requested_by').notNullable();
    t.text('reason').notNullable();
    t.text('status').notNullable().defaultTo('running');
    t.integer('matched');
    t.integer('requeued').notNullable().defaultTo(0);
    t.text('error');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('completed_at', { useTz: true });
  });
  await knex.raw(`ALTER TABLE dead_letter_replays ADD CONSTRAINT dead_letter_replays_status_check CHECK (status IN ('running','completed','failed'))`);

  await knex.schema.alterTable('integrations', (t) => {
    t.timestamp('verified_at', { useTz: true });
  });
  await knex.raw(`CREATE INDEX delivery_jobs_dead_idx ON delivery_jobs (updated_at) WHERE status = 'dead'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS delivery_jobs_dead_idx');
  await knex.schema.alterTable('integrations', (t) => t.dropColumn('verified_at'));
  await knex.schema.dropTableIfExists('dead_letter_replays');
  await knex.schema.dropTableIfExists('idempotency_keys');
  await knex.schema.alterTable('replay_requests', (t) => {
    t.dropColumn('source_job_id');
    t.dropColumn('integration_id');
  });
}
