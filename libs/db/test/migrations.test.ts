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

  it('roll all the way back and forward again', async () => {
    const { migrationSource } = await import('../src/migrations/index.js');
    await database.db.migrate.rollback({ migrationSource }, true);
    expect(await migrationsCurrent(database.db)).toBe(false);
    expect(await migrateLatest(database.db)).toEqual(MIGRATIONS.map(([name]) => name));
  });
});
