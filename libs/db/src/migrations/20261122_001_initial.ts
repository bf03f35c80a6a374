// The system of record: integrations, events (which double as the ingress outbox), delivery jobs,
// their attempts, replay requests and the hash-chained audit log.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('integrations', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('name').notNullable();
    t.text('provider').notNullable();
    t.text('url').notNullable();
    t.jsonb('event_types').notNullable().defaultTo('[]');
    t.jsonb('headers').notNullable().defaultTo('{}');
    t.text('description');
    t.text('state').notNullable().defaultTo('active');
    t.integer('consecutive_failures').notNullable().defaultTo(0);
    t.text('disabled_reason');
    t.text('secret_sealed').notNullable();
    t.text('previous_secret_sealed');
    t.timestamp('previous_secret_expires_at', { useTz: true });
    t.timestamps(true, true);
    t.index(['provider', 'state']);
  });
  await knex.raw(`ALTER TABLE integrations ADD CONSTRAINT integrations_state_check CHECK (state IN ('active','paused','disabled'))`);

  await knex.schema.createTable('events', (t) => {
    t.uuid('id').primary();
    t.text('provider').notNullable();
    t.text('external_id').notNullable();
    t.text('type').notNullable();
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.text('subject');
    t.jsonb('data').notNullable();
    t.text('status').notNullable().defaultTo('pending');
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.jsonb('raw_headers').notNullable();
    t.text('raw_body').notNullable();
    t.text('correlation_id');
    // Outbox: null until the broker confirmed the event message; the relay republishes the rest.
    t.timestamp('published_at', { useTz: true });
    t.unique(['provider', 'external_id']);
    t.index(['received_at']);
    t.index(['occurred_at']);
    t.index(['status']);
    t.index(['type']);
  });
  await knex.raw(`ALTER TABLE events ADD CONSTRAINT events_status_check CHECK (status IN ('pending','processing','processed','retrying','failed'))`);
  await knex.raw(`CREATE INDEX events_unpublished_idx ON events (received_at) WHERE published_at IS NULL`);

  await knex.schema.createTable('replay_requests', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('event_id').notNullable().references('events.id').onDelete('CASCADE');
    t.text('requested_by').notNullable();
    t.text('reason').notNullable();
    t.text('status').notNullable().defaultTo('pending');
    t.integer('job_count');
    t.text('correlation_id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('published_at', { useTz: true });
    t.timestamp('dispatched_at', { useTz: true });
    t.index(['event_id']);
  });
  await knex.raw(`CREATE INDEX replay_requests_unpublished_idx ON replay_requests (created_at) WHERE published_at IS NULL`);

  await knex.schema.createTable('delivery_jobs', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('event_id').notNullable().references('events.id').onDelete('CASCADE');
    t.uuid('integration_id').notNullable().references('integrations.id').onDelete('CASCADE');
    t.uuid('replay_request_id').references('replay_requests.id').onDelete('SET NULL');
    t.text('status').notNullable().defaultTo('pending');
    t.integer('attempt_count').notNullable().defaultTo(0);
    t.integer('max_attempts').notNullable();
    t.timestamp('next_attempt_at', { useTz: true });
    t.text('last_error');
    t.integer('last_status_code');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('completed_at', { useTz: true });
    t.index(['event_id']);
    t.index(['integration_id', 'status']);
    t.index(['status']);
  });
  await knex.raw(`ALTER TABLE delivery_jobs ADD CONSTRAINT delivery_jobs_status_check CHECK (status IN ('pending','delivering','retrying','succeeded','failed','dead','parked'))`);
  // One job per (event, integration) per dispatch: a redelivered fan-out message creates nothing new.
  await knex.raw(`CREATE UNIQUE INDEX delivery_jobs_dispatch_key ON delivery_jobs (event_id, integration_id, COALESCE(replay_request_id, '00000000-0000-0000-0000-000000000000'::uuid))`);

  await knex.schema.createTable('delivery_attempts', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('job_id').notNullable().references('delivery_jobs.id').onDelete('CASCADE');
    t.uuid('event_id').notNullable();
    t.uuid('integration_id').notNullable();
    t.integer('attempt_number').notNullable();
    t.text('status').notNullable();
    t.integer('status_code');
    t.integer('latency_ms').notNullable();
    t.text('request_url').notNullable();
    t.jsonb('request_headers').notNullable();
    t.jsonb('response_headers');
    t.text('response_body');
    t.text('error_code');
    t.text('error_message');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['job_id', 'attempt_number']);
    t.index(['event_id']);
    t.index(['integration_id', 'created_at']);
    t.index(['created_at']);
  });
  await knex.raw(`ALTER TABLE delivery_attempts ADD CONSTRAINT delivery_attempts_status_check CHECK (status IN ('success','failed'))`);

  await knex.schema.createTable('audit_entries', (t) => {
    t.bigIncrements('id').primary();
    t.text('fact_id').notNullable().unique();
    t.text('entity_type').notNullable();
    t.text('entity_id').notNullable();
    t.text('action').notNullable();
    t.text('actor').notNullable();
    t.text('correlation_id');
    t.jsonb('details').notNullable();
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('prev_hash').notNullable();
    t.text('hash').notNullable();
    t.index(['entity_type', 'entity_id']);
    t.index(['action']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['audit_entries', 'delivery_attempts', 'delivery_jobs', 'replay_requests', 'events', 'integrations']) {
    await knex.schema.dropTableIfExists(table);
  }
}
