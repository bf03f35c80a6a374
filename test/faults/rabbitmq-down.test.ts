// Scenario 2: RabbitMQ is stopped under ingress load and started again. Ingress keeps answering from
// the outbox (202) or says 503, never 500 and never hangs; the services reconnect by themselves; after
// recovery nothing accepted is lost.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@hookway/testing';
import { report, Suite } from './harness.js';
import { startRabbitApp, stopRabbitApp } from './infrastructure.js';
import { expectNoSecretsLeaked } from './leaks.js';

describe('fault: RabbitMQ stopped under load', () => {
  let suite: Suite;

  beforeAll(async () => {
    suite = await Suite.start('faultrabbit');
  });

  afterAll(async () => {
    await startRabbitApp().catch(() => undefined);
    await suite?.stop();
  });

  it('accepts from the outbox while the broker is down and delivers everything once it is back', async () => {
    await suite.send(300, 16);
    let stop = false;
    // Paced (about 100 webhooks/s): the backlog the outage builds must drain at today's delivery rate.
    const load = (async () => {
      while (!stop) {
        await suite.send(10, 5);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    let duringOutage: number[];
    try {
      await stopRabbitApp();
      const sentBefore = suite.results.length;
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      duringOutage = suite.results.slice(sentBefore).map((result) => result.status);
    } finally {
      await startRabbitApp();
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    stop = true;
    await load;

    // The services found the broker again without being restarted.
    await waitFor(async () => {
      const health = await fetch(`${suite.ingressUrl}/api/v1/health`);
      return health.status === 200;
    }, { timeoutMs: 30_000, what: 'ingress to report RabbitMQ up again' });
    const accounting = await suite.settle(120_000);
    // Nothing stranded mid-delivery by the outage: every job finished.
    await waitFor(async () => {
      const [open] = await suite.database.db('delivery_jobs').whereNot({ status: 'succeeded' }).count<{ count: number }[]>({ count: '*' });
      return open?.count === 0;
    }, { timeoutMs: 60_000, what: 'every job to finish' }).catch(() => undefined);
    const [unfinished] = await suite.database.db('delivery_jobs').whereNot({ status: 'succeeded' }).count<{ count: number }[]>({ count: '*' });
    const outage = { unfinished: unfinished?.count ?? -1, during: duringOutage.length, during202: duringOutage.filter((status) => status === 202).length, during503: duringOutage.filter((status) => status === 503).length };
    report('RabbitMQ stop_app/start_app', accounting, outage);

    expect(duringOutage.length).toBeGreaterThan(0);
    expect(duringOutage.every((status) => status === 202 || status === 503)).toBe(true);
    expect(suite.results.filter((result) => result.status === 0 || (result.status >= 500 && result.status !== 503))).toEqual([]);
    expect(accounting.lost).toBe(0);
    expect(unfinished?.count).toBe(0);
    expect(accounting.unexpected).toBe(0);
    expect(['ingress', 'dispatcher', 'audit', 'management'].every((name) => suite.isRunning(name as 'ingress'))).toBe(true);
  });

  it('leaks no secret into logs or audit entries', async () => {
    await expectNoSecretsLeaked(suite);
  });
});
