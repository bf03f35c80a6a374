import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { claimRuleSql, JOB_STATUSES, mayClaim } from '@hookway/contracts';
import { createTestDatabase, type TestDatabase } from '@hookway/testing';
import {
  AUDIT_ENTRY_COLUMNS, DELIVERY_ATTEMPT_COLUMNS, DELIVERY_JOB_COLUMNS, EVENT_COLUMNS, toDeliveryJob, type DeliveryJobRow,
} from '../src/index.js';

describe('row types', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('rows');
  });

  afterAll(async () => {
    await database.drop();
  });

  it.each([
    ['delivery_jobs', DELIVERY_JOB_COLUMNS],
    ['delivery_attempts', DELIVERY_ATTEMPT_COLUMNS],
    ['events', EVENT_COLUMNS],
    ['audit_entries', AUDIT_ENTRY_COLUMNS],
  ] as const)('name every column of %s as migrated', async (table, columns) => {
    const { rows } = await database.db.raw<{ rows: Array<{ column_name: string }> }>(
      'SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?', [table]);
    expect(rows.map((row) => row.column_name).sort()).toEqual([...columns].sort());
  });

  it('type delivery_jobs.status as the CHECK constraint allows it', async () => {
    const { rows } = await database.db.raw<{ rows: Array<{ definition: string }> }>(
      `SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conname = 'delivery_jobs_status_check'`);
    const allowed = [...(rows[0]?.definition ?? '').matchAll(/'([a-z]+)'::text/g)].map((match) => match[1]);
    expect(allowed.sort()).toEqual([...JOB_STATUSES].sort());
  });

  it('map only the columns asked for, under camelCase names', () => {
    const row = { id: 'j', attempt_count: 2, order_key: null, extra: 'from a join' } as Pick<DeliveryJobRow, 'id' | 'attempt_count' | 'order_key'>;
    expect(toDeliveryJob(row, ['id', 'attempt_count', 'order_key'])).toEqual({ id: 'j', attemptCount: 2, orderKey: null });
  });

  it('the claim rule in SQL decides as mayClaim does, for every status, attempt and redelivery', async () => {
    const cases = JOB_STATUSES.flatMap((status) => [0, 1, 2].flatMap((attemptCount) => [1, 2, 3].flatMap((attempt) =>
      [false, true].map((redelivered) => ({ status, attemptCount, attempt, redelivered })))));
    const { rows } = await database.db.raw<{ rows: Array<{ i: number; claimed: boolean }> }>(`
      SELECT c.i, (${claimRuleSql('j', 'c.attempt', 'c.redelivered')}) AS claimed
        FROM unnest(?::int[], ?::text[], ?::int[], ?::int[], ?::boolean[]) AS c(i, status, attempt_count, attempt, redelivered)
        CROSS JOIN LATERAL (SELECT c.status, c.attempt_count) AS j
       ORDER BY c.i`, [
      cases.map((_, i) => i), cases.map((c) => c.status), cases.map((c) => c.attemptCount), cases.map((c) => c.attempt),
      cases.map((c) => c.redelivered),
    ]);
    expect(rows.map((row) => row.claimed)).toEqual(cases.map((c) => mayClaim({ status: c.status, attemptCount: c.attemptCount }, c.attempt, c.redelivered)));
    expect(rows.some((row) => row.claimed)).toBe(true);
  });
});
