// hookway_refresh_event_status (003) locked the event row FOR UPDATE, which also blocks the KEY SHARE
// lock every delivery_jobs insert takes on its event for the foreign-key check: a fan-out creating jobs
// waited for every roll-up of the same event in flight. The roll-up never changes the event's key, so
// FOR NO KEY UPDATE (the lock its own UPDATE takes) serialises roll-ups just the same and lets job
// inserts through. Otherwise the function is unchanged.
import type { Knex } from 'knex';
import { refreshEventStatusFunction } from './20261122_003_event_status.js';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(refreshEventStatusFunction('CREATE OR REPLACE', 'FOR NO KEY UPDATE'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(refreshEventStatusFunction('CREATE OR REPLACE', 'FOR UPDATE'));
}
