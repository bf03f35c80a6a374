// A listing's page and its total come from one snapshot, so they agree even while rows change (a job
// dying between the count and the page once showed a dead letter with a total of 0, which disabled the
// console's bulk replay).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@hookway/testing';
import { paginate } from '../src/data-access/shared.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('pagination');
});

afterAll(async () => {
  await database.drop();
});

describe('paginate', () => {
  it('counts and reads the page in one read-only repeatable-read transaction, so the total and the rows agree', async () => {
    const { db } = database;
    const page = await paginate<{ id: string; isolation: string; read_only: string }, { id: string; isolation: string; readOnly: string }>(
      db,
      () => db('workspaces').where({ slug: 'default' }),
      { page: 1, pageSize: 10 },
      (query) => query.select('id', db.raw(`current_setting('transaction_isolation') AS isolation`),
        db.raw(`current_setting('transaction_read_only') AS read_only`)),
      (row) => ({ id: row.id, isolation: row.isolation, readOnly: row.read_only }),
    );
    expect(page.total).toBe(1);
    expect(page.items).toEqual([{ id: '00000000-0000-0000-0000-000000000001', isolation: 'repeatable read', readOnly: 'on' }]);
  });
});
