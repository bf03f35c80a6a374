// Scenario 1: the dispatcher is SIGKILLed mid-load and restarted. Nothing accepted is lost, nothing
// unexpected arrives, and duplicates are bounded by what was in flight (the prefetch).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@hookway/testing';
import { report, Suite } from './harness.js';
import { expectNoSecretsLeaked } from './leaks.js';

const EVENTS = 2_000;
const PREFETCH = 16;

describe('fault: dispatcher SIGKILL under load', () => {
  let suite: Suite;

  beforeAll(async () => {
    suite = await Suite.start('faultdispatcher', { DISPATCHER_PREFETCH: String(PREFETCH) });
  });

  afterAll(async () => {
    await suite?.stop();
  });

  it('loses nothing, delivers nothing unexpected, and duplicates at most the in-flight prefetch', async () => {
    const sending = suite.send(EVENTS, 32);
    await waitFor(() => suite.receipts().size >= EVENTS / 3, { timeoutMs: 60_000, what: 'a third of the deliveries' });
    await suite.restart('dispatcher');
    await sending;
    const accounting = await suite.settle(90_000);
    report('dispatcher SIGKILL x1', accounting, { kills: 1 });

    expect(accounting.accepted).toBe(EVENTS);
    expect(accounting.lost).toBe(0);
    expect(accounting.unexpected).toBe(0);
    // At most the attempts in flight when it died (DISPATCHER_PREFETCH in all: half first attempts made in
    // process, half job messages) are made twice; beyond that, only a delivery that outlasted the suite's 2 s
    // timeout on a busy machine (recorded as a failed attempt, then retried) may arrive twice.
    const [failed] = await suite.database.db('delivery_attempts').where({ status: 'failed' }).count<{ count: number }[]>({ count: '*' });
    expect(accounting.duplicated).toBeLessThanOrEqual(PREFETCH * 1 + Number(failed?.count));
    expect(await suite.unfinishedJobs()).toBe(0);
  });

  it('leaks no secret into logs or audit entries', async () => {
    await expectNoSecretsLeaked(suite);
  });
});
