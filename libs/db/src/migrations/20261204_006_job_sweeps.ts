// The dispatcher's sweeper finds jobs that are open (pending, delivering, retrying) long past their due
// time with nothing recorded: their message was lost (RabbitMQ's delivery limit dropped it, or a crash
// came between a commit and a publish). `sweeps` counts how often it sent such a job out again, so one
// whose message keeps being lost is settled dead instead of looping; the partial index keeps the sweep
// off the terminal rows, which are nearly all of them.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE delivery_jobs ADD COLUMN sweeps integer NOT NULL DEFAULT 0');
  await knex.raw(`CREATE INDEX delivery_jobs_open_idx ON delivery_jobs (updated_at) WHERE status IN ('pending', 'delivering', 'retrying')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS delivery_jobs_open_idx');
  await knex.raw('ALTER TABLE delivery_jobs DROP COLUMN IF EXISTS sweeps');
}
