// Versioned migrations, imported rather than discovered on disk so they load the same way
// under tsx, jest and the built JavaScript. Append new ones; never edit a released one.
import type { Knex } from 'knex';
import * as initial from './20261122_001_initial.js';
import * as operations from './20261122_002_operations.js';
import * as eventStatus from './20261122_003_event_status.js';
import * as jobIndexes from './20261122_004_job_indexes.js';
import * as eventStatusLock from './20261122_005_event_status_lock.js';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

export const MIGRATIONS: ReadonlyArray<readonly [string, Migration]> = [
  ['20261122_001_initial', initial],
  ['20261122_002_operations', operations],
  ['20261122_003_event_status', eventStatus],
  ['20261122_004_job_indexes', jobIndexes],
  ['20261122_005_event_status_lock', eventStatusLock],
];

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: () => Promise.resolve(MIGRATIONS.map(([name]) => name)),
  getMigrationName: (name) => name,
  getMigration: (name) => {
    const found = MIGRATIONS.find(([candidate]) => candidate === name);
    if (!found) return Promise.reject(new Error(`unknown migration ${name}`));
    return Promise.resolve(found[1]);
  },
};
