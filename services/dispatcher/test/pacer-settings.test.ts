// The pacer reads an integration's rate limit and pause from PostgreSQL; once read, a delivery no longer
// waits for that read: settings older than the TTL keep serving while newer ones are read in the background.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@hookway/testing';
import { PacingRepository } from '../src/data-access/pacing.repository.js';
import { DeliveryPacer } from '../src/domain/rate-limiter.js';
import { BrokerPacingPublisher } from '../src/outbound/pacing-publisher.js';
import { startDispatcher, uniqueProvider, type DispatcherFixture } from './dispatcher-fixture.js';

describe('DeliveryPacer settings', () => {
  let fx: DispatcherFixture;

  beforeAll(async () => {
    fx = await startDispatcher('disppacer', {}, { deferStart: true });
  });

  afterAll(async () => {
    await fx.close();
  });

  it('serves known settings past their TTL while it reads newer ones, then applies the newer ones', async () => {
    const integration = await fx.insertIntegration({ provider: uniqueProvider('acme'), url: 'https://example.com/hooks', eventTypes: ['*'] });
    const publisher = new BrokerPacingPublisher(fx.broker);
    let clock = Date.now();
    let reads = 0;
    const repository = new PacingRepository(fx.db);
    const store = {
      settings: (id: string) => {
        reads += 1;
        return repository.settings(id);
      },
      reserve: repository.reserve.bind(repository),
      pause: repository.pause.bind(repository),
    };
    const pacer = new DeliveryPacer({ store, publisher, tiersMs: publisher.tiersMs, settingsTtlMs: 1_000, now: () => clock });
    const message = () => ({ jobId: randomUUID(), eventId: randomUUID(), integrationId: integration.id, attempt: 1 });

    expect(await pacer.admit(message(), 'c1')).toBe('deliver');
    expect(reads).toBe(1);
    // A receiver's pause written by another replica, unseen while the settings are fresh.
    await repository.pause(integration.id, 600_000);
    expect(await pacer.admit(message(), 'c2')).toBe('deliver');
    expect(reads).toBe(1);

    // Past the TTL: the stale settings answer at once (no pause yet) while the read runs.
    clock += 1_500;
    expect(await pacer.admit(message(), 'c3')).toBe('deliver');
    expect(reads).toBe(2);
    // Once the read lands, the pause holds the job back (published to a pacing queue).
    await waitFor(async () => (await pacer.admit(message(), 'c4')) === 'deferred', { what: 'the newer settings (the pause) applied' });
    expect(reads).toBe(2);
  });
});

describe('DeliveryPacer slots', () => {
  let fx: DispatcherFixture;

  beforeAll(async () => {
    fx = await startDispatcher('disppacerslot', {}, { deferStart: true });
  });

  afterAll(async () => {
    await fx.close();
  });

  it('a job whose in-process wait for its slot ended more than an interval late reserves a new slot instead of going out with the next', async () => {
    const integration = await fx.insertIntegration({
      provider: uniqueProvider('acme'), url: 'https://example.com/hooks', eventTypes: ['*'], rateLimit: { perSecond: 20, burst: 1 },
    });
    const publisher = new BrokerPacingPublisher(fx.broker);
    const repository = new PacingRepository(fx.db);
    let reservations = 0;
    let clock = Date.now();
    const store = {
      settings: repository.settings.bind(repository),
      reserve: (...args: Parameters<PacingRepository['reserve']>) => {
        reservations += 1;
        return repository.reserve(...args);
      },
      pause: repository.pause.bind(repository),
    };
    // An event loop that stalls once: that wait in process ends five seconds after it was due.
    let stalls = 1;
    const stalledSleep = async (ms: number): Promise<void> => {
      clock += ms + (stalls > 0 ? 5_000 : 0);
      stalls -= 1;
    };
    const pacer = new DeliveryPacer({ store, publisher, tiersMs: publisher.tiersMs, now: () => clock, sleep: stalledSleep });
    const message = () => ({ jobId: randomUUID(), eventId: randomUUID(), integrationId: integration.id, attempt: 1 });

    // The first job takes the free slot; the second's is one interval (50 ms) later, waited for in process,
    // and missed: it reserves again (and, the clock having moved on, that slot is free at once).
    expect(await pacer.admit(message(), 'first')).toBe('deliver');
    expect(await pacer.admit(message(), 'second')).toBe('deliver');
    expect(reservations).toBe(3);
  });
});
