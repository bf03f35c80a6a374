import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@hookway/testing';
import { PreparedQueries, prepared } from '../src/index.js';

const INSERT = prepared('test_prepared_insert', 'INSERT INTO prepared_probe (value) VALUES ($1::text) RETURNING id');
const COUNT = prepared('test_prepared_count', 'SELECT count(*)::int AS count FROM prepared_probe WHERE value = $1::text');

describe('PreparedQueries', () => {
  let database: TestDatabase;
  let sql: PreparedQueries;

  beforeAll(async () => {
    database = await createTestDatabase('prepared');
    await database.db.raw('CREATE TABLE prepared_probe (id serial PRIMARY KEY, value text NOT NULL)');
    sql = new PreparedQueries(database.db);
  });

  afterAll(async () => {
    await database.drop();
  });

  it('runs a named statement many times over the pool and gives its rows back', async () => {
    await Promise.all(Array.from({ length: 40 }, () => sql.query(INSERT, ['many'])));
    const [row] = await sql.query<{ count: number }>(COUNT, ['many']);
    expect(row?.count).toBe(40);
    // Each pooled connection prepared it once: PostgreSQL lists it for the connection that answers.
    const prepared = await sql.transaction(async (tx) => {
      await tx.query(COUNT, ['many']);
      return tx.query<{ name: string }>({ name: 'test_prepared_list', text: 'SELECT name FROM pg_prepared_statements' }, []);
    });
    expect(prepared.map((statement) => statement.name)).toContain('test_prepared_count');
  });

  it('commits a transaction whose work succeeds', async () => {
    await sql.transaction(async (tx) => {
      await tx.query(INSERT, ['committed']);
      await tx.query(INSERT, ['committed']);
    });
    expect((await sql.query<{ count: number }>(COUNT, ['committed']))[0]?.count).toBe(2);
  });

  it('rolls back everything when the work throws, and the connection goes back to the pool usable', async () => {
    await expect(sql.transaction(async (tx) => {
      await tx.query(INSERT, ['rolled-back']);
      throw new Error('changed my mind');
    })).rejects.toThrow('changed my mind');
    await expect(sql.transaction(async (tx) => {
      await tx.query(INSERT, ['rolled-back']);
      await tx.query(INSERT, [null]);
    })).rejects.toMatchObject({ code: '23502' });
    expect((await sql.query<{ count: number }>(COUNT, ['rolled-back']))[0]?.count).toBe(0);
    // Every pooled connection still works (none was left inside an aborted transaction).
    const counts = await Promise.all(Array.from({ length: 20 }, () => sql.query<{ count: number }>(COUNT, ['committed'])));
    expect(counts.every((rows) => rows[0]?.count === 2)).toBe(true);
  });
});
