import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@hookway/testing';
import { migrateLatest, migrationsCurrent, MIGRATIONS } from '../src/index.js';

describe('migrations', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('migrations');
  });

  afterAll(async () => {
    await database.drop();
  });

  it('are current after migrateLatest, and a second run applies nothing', async () => {
    expect(await migrationsCurrent(database.db)).toBe(true);
    expect(await migrateLatest(database.db)).toEqual([]);
  });

  it('leave delivery_jobs with only the indexes its writes must pay for (004, and the sweeper\'s partial index of open jobs, 006, and the ordered subjects\' lines, 009)', async () => {
    const { rows } = await database.db.raw<{ rows: Array<{ indexname: string }> }>(
      `SELECT indexname FROM pg_indexes WHERE tablename = 'delivery_jobs' ORDER BY indexname`);
    expect(rows.map((row) => row.indexname)).toEqual([
      'delivery_jobs_dead_idx', 'delivery_jobs_dispatch_key', 'delivery_jobs_integration_id_status_index',
      'delivery_jobs_open_idx', 'delivery_jobs_order_idx', 'delivery_jobs_pkey',
    ]);
  });

  it('roll all the way back and forward again', async () => {
    const { migrationSource } = await import('../src/migrations/index.js');
    await database.db.migrate.rollback({ migrationSource }, true);
    expect(await migrationsCurrent(database.db)).toBe(false);
    expect(await migrateLatest(database.db)).toEqual(MIGRATIONS.map(([name]) => name));
  });
});
