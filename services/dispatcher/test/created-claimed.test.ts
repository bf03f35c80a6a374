// A first attempt made in the fanning-out process needs no claim of its own: the job is created with
// attempt 1 claimed (createJobsStatement's claim_first), for unordered jobs of active integrations that take
// a delivery at once. These tests hold the statement and the dispatcher to that.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startReceiver, waitFor, type Receiver } from '@hookway/testing';
import { JobRepository } from '../src/data-access/job.repository.js';
import { jobsOf, startDispatcher, uniqueProvider, waitForEventStatus, type DispatcherFixture } from './dispatcher-fixture.js';

let fx: DispatcherFixture;
const receivers: Receiver[] = [];

beforeAll(async () => {
  fx = await startDispatcher('created-claimed', {}, { deferStart: true });
});

afterAll(async () => {
  await fx.close();
  await Promise.all(receivers.map((receiver) => receiver.close()));
});

describe('createForDispatches with claimFirst', () => {
  it('creates the job of an active, unordered integration with attempt 1 claimed, and answers what its attempt needs', async () => {
    const provider = uniqueProvider('claimfirst');
    const active = await fx.insertIntegration({ provider, url: 'https://example.com/active', eventTypes: ['*'], headers: { 'x-team': 'a' } });
    const paused = await fx.insertIntegration({ provider, url: 'https://example.com/paused', eventTypes: ['*'], state: 'paused' });
    const ordered = await fx.insertIntegration({ provider, url: 'https://example.com/ordered', eventTypes: ['*'], ordering: 'subject' });
    // The pacer's cached view may be stale: the statement itself leaves rate-limited and held-back integrations to the claim.
    const limited = await fx.insertIntegration({ provider, url: 'https://example.com/limited', eventTypes: ['*'], rateLimit: { perSecond: 5, burst: 1 } });
    const heldBack = await fx.insertIntegration({ provider, url: 'https://example.com/held', eventTypes: ['*'] });
    await fx.db('integration_pacing').insert({ integration_id: heldBack.id, theoretical_arrival_at: new Date(), paused_until: fx.db.raw(`now() + interval '1 hour'`) });
    const eventId = await fx.insertEvent({ provider, type: 'order.created', subject: 'order/1', data: { orderId: 'ord_1' } });
    const integrationIds = [active.id, paused.id, ordered.id, limited.id, heldBack.id];

    const created = await new JobRepository(fx.db).createForDispatches([{
      dispatch: { eventId, replayRequestId: null }, integrationIds,
      ordered: { subject: 'order/1', seq: '1', integrationIds: [ordered.id] },
      claimFirst: integrationIds,
    }], 3);

    const byIntegration = new Map(created.map((job) => [job.integrationId, job]));
    const claimed = byIntegration.get(active.id)!;
    expect(claimed).toMatchObject({ unpublished: false, firstAttemptClaimed: false });
    expect(claimed.claimed?.job).toMatchObject({ id: claimed.id, eventId, integrationId: active.id, status: 'delivering', attemptCount: 1, maxAttempts: 3, orderKey: null });
    expect(claimed.claimed?.event).toMatchObject({ id: eventId, provider, type: 'order.created', subject: 'order/1', data: { orderId: 'ord_1' } });
    expect(claimed.claimed?.target).toMatchObject({ id: active.id, state: 'active', url: 'https://example.com/active', headers: { 'x-team': 'a' } });
    // The paused integration's job and the ordered one's are created as before, their first message owed.
    expect(byIntegration.get(paused.id)).toMatchObject({ unpublished: true });
    expect(byIntegration.get(paused.id)!.claimed).toBeUndefined();
    expect(byIntegration.get(ordered.id)!.claimed).toBeUndefined();
    for (const unclaimed of [limited, heldBack]) {
      expect(byIntegration.get(unclaimed.id)).toMatchObject({ unpublished: true });
      expect(byIntegration.get(unclaimed.id)!.claimed).toBeUndefined();
    }

    const rows = new Map((await jobsOf(fx.db, eventId)).map((row) => [row.integration_id, row]));
    expect(rows.get(active.id)).toMatchObject({ status: 'delivering', attempt_count: 1 });
    expect(rows.get(paused.id)).toMatchObject({ status: 'pending', attempt_count: 0 });
    expect(rows.get(ordered.id)).toMatchObject({ status: 'pending', attempt_count: 0 });
    expect(rows.get(limited.id)).toMatchObject({ status: 'pending', attempt_count: 0 });
    expect(rows.get(heldBack.id)).toMatchObject({ status: 'pending', attempt_count: 0 });

    // Attempt 1 is this process's: a (stray) job message for it cannot take it; only a redelivery could.
    const repository = new JobRepository(fx.db);
    expect(await repository.claimMany([{ message: { jobId: claimed.id, eventId, integrationId: active.id, attempt: 1 }, redelivered: false }]))
      .toEqual([undefined]);

    // Run again (a redelivered event message), nothing is created or claimed twice: the job is flagged
    // as an earlier run's claimed first attempt, for the takeover.
    const again = await repository.createForDispatches([{ dispatch: { eventId, replayRequestId: null }, integrationIds: [active.id], claimFirst: [active.id] }], 3);
    expect(again.find((job) => job.integrationId === active.id)).toMatchObject({ id: claimed.id, firstAttemptClaimed: true, unpublished: false });
    expect(again.find((job) => job.integrationId === active.id)!.claimed).toBeUndefined();
  });
});

describe('the dispatcher', () => {
  const startedBy = async (start: string): Promise<number> => {
    const text = await (await fetch(`${fx.opsUrl()}/metrics`)).text();
    const match = new RegExp(`^hookway_dispatcher_first_attempts_total\\{start="${start}"[^}]*\\} (\\d+)$`, 'm').exec(text);
    return match ? Number(match[1]) : 0;
  };

  it('makes a plain integration\'s first attempt on a job created claimed, and a rate-limited one\'s after its own claim', async () => {
    await fx.startService();
    const provider = uniqueProvider('claimfirst');
    const plainSink = await startReceiver();
    const limitedSink = await startReceiver();
    receivers.push(plainSink, limitedSink);
    const plain = await fx.insertIntegration({ provider, url: plainSink.url, eventTypes: ['*'] });
    const limited = await fx.insertIntegration({ provider, url: limitedSink.url, eventTypes: ['*'], rateLimit: { perSecond: 1000, burst: 100 } });
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });

    await fx.publishEvent({ kind: 'event', eventId, provider, type: 'order.created' });

    expect(await waitForEventStatus(fx.db, eventId, 'processed', 'failed')).toBe('processed');
    expect([plainSink.requests.length, limitedSink.requests.length]).toEqual([1, 1]);
    const jobs = await jobsOf(fx.db, eventId);
    expect(jobs.map((job) => [job.integration_id, job.status, job.attempt_count]).sort())
      .toEqual([[plain.id, 'succeeded', 1], [limited.id, 'succeeded', 1]].sort());
    // Counted when each attempt starts, before the event's status can change: both are in by now.
    await waitFor(async () => (await startedBy('created_claimed')) === 1 && (await startedBy('claim')) === 1, {
      what: 'one first attempt on a job created claimed (the plain integration) and one after a claim (the rate-limited one)',
    });
  });
});
