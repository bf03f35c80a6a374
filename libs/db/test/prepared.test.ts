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
    const listed = await sql.transaction(async (tx) => {
      await tx.query(COUNT, ['many']);
      return tx.query<{ name: string }>(prepared('test_prepared_list', 'SELECT name FROM pg_prepared_statements'), []);
    });
    expect(listed.map((statement) => statement.name)).toContain('test_prepared_count');
  });

  it('plans a statement marked planEachCall anew on every call, so a batch join finds the index once its table has grown', async () => {
    await database.db.raw('CREATE TABLE plan_probe (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), status text NOT NULL, value int NOT NULL)');
    await database.db.raw("INSERT INTO plan_probe (status, value) SELECT 'delivering', 0 FROM generate_series(1, 20)");
    const batch = ((await database.db('plan_probe').select('id').limit(10)) as { id: string }[]).map((row) => row.id);
    // The shape of the dispatcher's batch statements: a batch of keys joined to a table, with a filter.
    const join = `UPDATE plan_probe p SET value = p.value + 1 FROM unnest($1::uuid[]) AS w(id)
                   WHERE p.id = w.id AND p.status = 'delivering'`;
    const preparedOnce = prepared('test_plan_once', join);
    const plannedEachCall = prepared('test_plan_each_call', join, { planEachCall: true });
    const SEQ_SCANS = prepared('test_plan_seq_scans',
      "SELECT seq_scan::int AS count FROM pg_stat_xact_user_tables WHERE relname = 'plan_probe'");
    const seqScansOf = await sql.transaction(async (tx) => {
      const seqScans = async (): Promise<number> => (await tx.query<{ count: number }>(SEQ_SCANS, []))[0]?.count ?? 0;
      // Six runs of a batch of ten on a one-page table: PostgreSQL settles the prepared statement's generic
      // plan on a scan of it, and keeps it when the table grows.
      for (let run = 0; run < 6; run += 1) {
        await tx.query(preparedOnce, [batch]);
        await tx.query(plannedEachCall, [batch]);
      }
      await tx.query(prepared('test_plan_grow', "INSERT INTO plan_probe (status, value) SELECT 'done', 0 FROM generate_series(1, 100000)"), []);
      const scans: Record<string, number> = {};
      for (const statement of [preparedOnce, plannedEachCall]) {
        const before = await seqScans();
        await tx.query(statement, [batch]);
        scans[statement.name] = (await seqScans()) - before;
      }
      return scans;
    });
    expect(seqScansOf).toEqual({ test_plan_once: 1, test_plan_each_call: 0 });
    const listed = await sql.query<{ name: string }>(prepared('test_plan_listed', 'SELECT name FROM pg_prepared_statements'), []);
    expect(listed.map((statement) => statement.name)).not.toContain('test_plan_each_call');
  });

  it('runs the statements given with the BEGIN in the transaction, and rolls back when one of them fails', async () => {
    const inTransaction = prepared('test_prepared_in_transaction', "SELECT current_setting('hookway.probe', true) AS probe");
    const [row] = await sql.transaction((tx) => tx.query<{ probe: string }>(inTransaction, []),
      { begin: "BEGIN; SET LOCAL hookway.probe = 'set with the begin'" });
    expect(row?.probe).toBe('set with the begin');

    await expect(sql.transaction((tx) => tx.query(INSERT, ['never']), { begin: 'BEGIN; SELECT 1 / 0' }))
      .rejects.toMatchObject({ code: '22012' });
    // No pooled connection was handed back inside the aborted transaction.
    const counts = await Promise.all(Array.from({ length: 20 }, () => sql.query<{ count: number }>(COUNT, ['never'])));
    expect(counts.every((rows) => rows[0]?.count === 0)).toBe(true);
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
