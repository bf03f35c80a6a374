import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@hookway/testing';
import { isDeadlock, PreparedQueries, prepared } from '../src/index.js';

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

describe('isDeadlock', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('deadlock');
    await database.db.raw('CREATE TABLE deadlock_probe (id int PRIMARY KEY, value int NOT NULL)');
    await database.db.raw('INSERT INTO deadlock_probe VALUES (1, 0), (2, 0)');
  });

  afterAll(async () => {
    await database.drop();
  });

  it('recognises the error of a transaction PostgreSQL aborted to break a real deadlock, and nothing else', async () => {
    const sql = new PreparedQueries(database.db);
    const lock = prepared('test_deadlock_lock', 'UPDATE deadlock_probe SET value = value + 1 WHERE id = $1::int');
    let bothHoldOne!: () => void;
    const held = new Promise<void>((resolve) => {
      let count = 0;
      bothHoldOne = () => {
        count += 1;
        if (count === 2) resolve();
      };
    });
    // Each takes one row, then waits for the other's: a cycle only PostgreSQL can break.
    const crossing = (first: number, second: number): Promise<unknown> => sql.transaction(async (tx) => {
      await tx.query(lock, [first]);
      bothHoldOne();
      await held;
      await tx.query(lock, [second]);
    }).then(() => undefined, (error: unknown) => error);

    const outcomes = await Promise.all([crossing(1, 2), crossing(2, 1)]);

    const errors = outcomes.filter((outcome) => outcome !== undefined);
    expect(errors).toHaveLength(1);
    expect(isDeadlock(errors[0])).toBe(true);
    expect(isDeadlock(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isDeadlock(new Error('connection refused'))).toBe(false);
  });
});
