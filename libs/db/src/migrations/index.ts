// Versioned migrations, imported rather than discovered on disk so they load the same way
// under tsx, jest and the built JavaScript. Append new ones; never edit a released one.
import type { Knex } from 'knex';
import * as initial from './20261122_001_initial.js';
import * as operations from './20261122_002_operations.js';
import * as eventStatus from './20261122_003_event_status.js';
import * as jobIndexes from './20261122_004_job_indexes.js';
import * as eventStatusLock from './20261122_005_event_status_lock.js';
import * as jobSweeps from './20261204_006_job_sweeps.js';
import * as sources from './20261204_007_sources.js';
import * as deliveryControl from './20261204_008_delivery_control.js';
import * as orderedDelivery from './20261205_009_ordered_delivery.js';
import * as workspaces from './20261206_010_workspaces.js';

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
  ['20261204_006_job_sweeps', jobSweeps],
  ['20261204_007_sources', sources],
  ['20261204_008_delivery_control', deliveryControl],
  ['20261205_009_ordered_delivery', orderedDelivery],
  ['20261206_010_workspaces', workspaces],
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
