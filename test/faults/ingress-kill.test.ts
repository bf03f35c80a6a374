// Scenario 3: ingress is SIGKILLed again and again under load, so some events are committed and then
// never published by the process that accepted them. Every committed event is still delivered (the
// restarted ingress's outbox relay publishes what its predecessor did not).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@hookway/testing';
import { report, Suite } from './harness.js';
import { expectNoSecretsLeaked } from './leaks.js';

const KILLS = 4;

describe('fault: ingress SIGKILL between commit and publish', () => {
  let suite: Suite;

  beforeAll(async () => {
    suite = await Suite.start('faultingress');
  });

  afterAll(async () => {
    await suite?.stop();
  });

  it('delivers every event that was committed, answered or not', async () => {
    let stop = false;
    const load = (async () => {
      while (!stop) await suite.send(64, 32);
    })();
    for (let kill = 0; kill < KILLS; kill++) {
      await new Promise((resolve) => setTimeout(resolve, 700));
      await suite.restart('ingress');
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    stop = true;
    await load;

    // Committed = in the database, whether or not the client saw the 202 before the kill.
    const committed = (await suite.database.db('events').pluck('id')) as string[];
    const accounting = await suite.settle(90_000, committed);
    const unanswered = committed.filter((id) => !suite.acceptedIds().has(id)).length;
    report(`ingress SIGKILL x${KILLS}`, accounting, { committed: committed.length, committedUnanswered: unanswered });

    expect(accounting.lost).toBe(0);
    expect(accounting.unexpected).toBe(0);
    expect(accounting.accepted).toBe(committed.length);
    expect(suite.results.some((result) => result.status >= 500 && result.status !== 503)).toBe(false);
    // A process killed between publishing and marking leaves rows unmarked; the relay marks them after its grace period.
    await waitFor(async () => {
      const unpublished = await suite.database.db('events').whereNull('published_at').count<{ count: number }[]>({ count: '*' });
      return unpublished[0]?.count === 0;
    }, { timeoutMs: 30_000, what: 'every committed event to be marked published' });
  });

  it('leaks no secret into logs or audit entries', async () => {
    await expectNoSecretsLeaked(suite);
  });
});
