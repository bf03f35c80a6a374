// Scenario 5: the audit service is down for a while. Facts wait in their queue; when it returns the
// chain is complete (every fact once) and verifies.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@hookway/testing';
import { report, Suite } from './harness.js';
import { expectNoSecretsLeaked } from './leaks.js';

const EVENTS = 300;

describe('fault: audit service down', () => {
  let suite: Suite;

  beforeAll(async () => {
    suite = await Suite.start('faultaudit');
  });

  afterAll(async () => {
    await suite?.stop();
  });

  it('keeps the facts queued while audit is down and appends all of them, once, when it returns', async () => {
    await suite.kill('audit');
    await suite.send(EVENTS, 16);
    const accounting = await suite.settle(60_000);
    expect(accounting.lost).toBe(0);
    // One event.received and one job.delivered per event, and one job.retry_scheduled per failed attempt (on a
    // busy machine a delivery can outlast the suite's 2 s timeout and be retried). They are all queued once every
    // job has succeeded.
    const expectedFacts = async (): Promise<Record<string, number>> => {
      const [failed] = await suite.database.db('delivery_attempts').where({ status: 'failed' }).count<{ count: number }[]>({ count: '*' });
      const expected: Record<string, number> = { received: EVENTS, delivered: EVENTS };
      if (Number(failed?.count) > 0) expected.retry_scheduled = Number(failed?.count);
      return expected;
    };
    const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((total, count) => total + count, 0);
    // Publishers send the facts gathered while their previous message awaited its confirm as one message, so
    // the queue's depth counts messages, not facts. Once every job has succeeded the facts owed are known;
    // any still on their way when audit comes back are appended all the same.
    const { waiting, expected } = await waitFor(async () => {
      const [open] = await suite.database.db('delivery_jobs').whereNot({ status: 'succeeded' }).count<{ count: number }[]>({ count: '*' });
      if (Number(open?.count) > 0) return undefined;
      const depth = await suite.broker.depth(suite.broker.topology.queues.audit);
      return depth > 0 ? { waiting: depth, expected: await expectedFacts() } : undefined;
    }, { timeoutMs: 30_000, what: 'the audit facts to wait in their queue' });
    expect(await suite.database.db('audit_entries').count<{ count: number }[]>({ count: '*' }).then((rows) => rows[0]?.count)).toBe(0);

    await suite.startService('audit');
    await waitFor(async () => {
      const rows = await suite.database.db('audit_entries').count<{ count: number }[]>({ count: '*' });
      return (rows[0]?.count ?? 0) >= sum(expected);
    }, { timeoutMs: 60_000, what: 'the audit backlog to be appended' });
    const facts = await suite.database.db('audit_entries').select('action').count<{ action: string; count: number }[]>({ count: '*' }).groupBy('action');
    report('audit down, then back', accounting, { queuedMessages: waiting, appended: facts.reduce((total, row) => total + row.count, 0) });
    expect(Object.fromEntries(facts.map((row) => [row.action, row.count]))).toEqual(expected);

    const verify = await fetch(`${suite.managementUrl}/api/v1/audit-entries/verify`, { headers: { 'x-internal-api-key': suite.config.managementApiKey } });
    expect(((await verify.json()) as { data: unknown }).data).toEqual({ valid: true, checked: sum(expected), firstInvalidId: null });
  });

  it('leaks no secret into logs or audit entries', async () => {
    await expectNoSecretsLeaked(suite);
  });
});
