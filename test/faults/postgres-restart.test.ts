// Scenario 4: PostgreSQL restarts during ingest. Ingress answers 503 UNAVAILABLE while it is down,
// recovers by itself, and nothing is half-written: no event without its snapshot, no job without
// its event, every accepted event delivered.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@hookway/testing';
import { report, Suite } from './harness.js';
import { startPostgres, stopPostgres } from './infrastructure.js';
import { expectNoSecretsLeaked } from './leaks.js';

describe('fault: PostgreSQL restarted during ingest', () => {
  let suite: Suite;

  beforeAll(async () => {
    suite = await Suite.start('faultpostgres');
  });

  afterAll(async () => {
    await startPostgres().catch(() => undefined);
    await suite?.stop();
  });

  it('answers 503 while the database is down, recovers by itself, and half-writes nothing', async () => {
    let stop = false;
    const load = (async () => {
      while (!stop) await suite.send(50, 8);
    })();
    let duringOutage: number[];
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await stopPostgres();
      const sentBefore = suite.results.length;
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      duringOutage = suite.results.slice(sentBefore).map((result) => result.status);
    } finally {
      await startPostgres();
    }
    await waitFor(async () => (await fetch(`${suite.ingressUrl}/api/v1/health`)).status === 200, { timeoutMs: 30_000, what: 'ingress to recover' });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    stop = true;
    await load;

    const accounting = await suite.settle(120_000);
    report('PostgreSQL restart', accounting, { during: duringOutage.length, during503: duringOutage.filter((status) => status === 503).length });

    expect(duringOutage.filter((status) => status === 503).length).toBeGreaterThan(0);
    expect(suite.results.filter((result) => result.status === 0 || (result.status >= 500 && result.status !== 503))).toEqual([]);
    expect(accounting.lost).toBe(0);
    expect(accounting.unexpected).toBe(0);
    const db = suite.database.db;
    const [noSnapshot] = await db('events').whereNull('raw_body').orWhereNull('raw_headers').count<{ count: number }[]>({ count: '*' });
    const [orphanJobs] = await db('delivery_jobs').leftJoin('events', 'events.id', 'delivery_jobs.event_id').whereNull('events.id').count<{ count: number }[]>({ count: '*' });
    expect([noSnapshot?.count, orphanJobs?.count]).toEqual([0, 0]);
    expect(['ingress', 'dispatcher', 'audit', 'management'].every((name) => suite.isRunning(name as 'ingress'))).toBe(true);
  });

  it('leaks no secret into logs or audit entries', async () => {
    await expectNoSecretsLeaked(suite);
  });
});
