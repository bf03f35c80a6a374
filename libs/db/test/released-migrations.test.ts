// A released migration's SQL never changes: databases that ran it keep what it did. These are the fingerprints
// of the SQL the event-status migrations run as released; 005 holds its own copy of the function text, so
// editing 003 cannot change it.
import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { Knex } from 'knex';
import * as eventStatus from '../src/migrations/20261122_003_event_status.js';
import * as eventStatusLock from '../src/migrations/20261122_005_event_status_lock.js';

type Migration = { up(knex: Knex): Promise<void>; down(knex: Knex): Promise<void> };

async function fingerprint(run: (knex: Knex) => Promise<void>): Promise<string> {
  const statements: string[] = [];
  const recorder = { raw: async (sql: string) => { statements.push(sql); } } as unknown as Knex;
  await run(recorder);
  return createHash('sha256').update(statements.join('\n;\n')).digest('hex');
}

const RELEASED: Array<[string, Migration, { up: string; down: string }]> = [
  ['20261122_003_event_status', eventStatus, {
    up: '60fe400c96fca188d4b992b4fc325aeb8f65a4246186fddae12a64d98135912b',
    down: 'd546c3ea6d083c3e8722c3fcf05b6bd190efbed3a085fe50240e79446b60a419',
  }],
  ['20261122_005_event_status_lock', eventStatusLock, {
    up: '99a9fd2b32e18a28f2832b9ca32d2f174457c6d6a546f75b2a323c15d2eec7b1',
    down: '8518c241546b23ceea3d06b6d7fbc8afb6c83cdbb82830aa80967a3d6cd12422',
  }],
];

describe('released migrations', () => {
  it.each(RELEASED)('%s runs the SQL it was released with', async (_name, migration, expected) => {
    expect({ up: await fingerprint((knex) => migration.up(knex)), down: await fingerprint((knex) => migration.down(knex)) }).toEqual(expected);
  });
});
