// SIGTERM mid-load (what Kubernetes sends on every rollout): ingress stops accepting and finishes the
// requests it has; the dispatcher stops taking messages and finishes the deliveries in flight. Both
// exit 0, and after they are started again nothing is lost, and, unlike a SIGKILL, nothing is
// delivered twice.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@hookway/testing';
import { report, Suite } from './harness.js';
import { expectNoSecretsLeaked } from './leaks.js';

describe('graceful shutdown under load', () => {
  let suite: Suite;

  beforeAll(async () => {
    suite = await Suite.start('faultsigterm');
    // Slow answers keep deliveries in flight at the moment SIGTERM arrives.
    suite.receiver.reply(() => ({ status: 200, body: 'ok', delayMs: 40 }));
  });

  afterAll(async () => {
    await suite?.stop();
  });

  it('exits 0 with in-flight work finished, loses nothing and duplicates nothing', async () => {
    const sending = suite.send(600, 16);
    await waitFor(() => suite.receipts().size >= 100, { timeoutMs: 60_000, what: 'deliveries under way' });
    const [dispatcherExit, ingressExit] = await Promise.all([suite.kill('dispatcher', 'SIGTERM'), suite.kill('ingress', 'SIGTERM')]);
    const unfinished = await suite.database.db('delivery_jobs').where({ status: 'delivering' }).count<{ count: number }[]>({ count: '*' });
    await Promise.all([suite.startService('dispatcher'), suite.startService('ingress')]);
    await sending;
    const accounting = await suite.settle(90_000);
    const [failed] = await suite.database.db('delivery_attempts').where({ status: 'failed' }).count<{ count: number }[]>({ count: '*' });
    report('SIGTERM dispatcher+ingress', accounting, { dispatcherExit: String(dispatcherExit), ingressExit: String(ingressExit), failedAttempts: Number(failed?.count) });

    expect([dispatcherExit, ingressExit]).toEqual([0, 0]);
    // Nothing was left half-done: no job stuck mid-delivery when the dispatcher had exited.
    expect(unfinished[0]?.count).toBe(0);
    expect(accounting.lost).toBe(0);
    expect(accounting.unexpected).toBe(0);
    // A delivery that outlasted the suite's 2 s timeout (a busy machine) is retried and may arrive twice; a
    // duplicate the shutdown caused would have no failed attempt behind it.
    expect(accounting.duplicated).toBeLessThanOrEqual(Number(failed?.count));
    expect(suite.results.filter((result) => result.status >= 500)).toEqual([]);
  });

  it('leaks no secret into logs or audit entries', async () => {
    await expectNoSecretsLeaked(suite);
  });
});
