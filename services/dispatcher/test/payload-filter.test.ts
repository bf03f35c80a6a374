import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { referenceEventArbitrary, referenceFilterArbitrary, referenceMatches, startReceiver, waitFor, type Receiver } from '@hookway/testing';
import { jobsOf, startDispatcher, uniqueProvider, waitForEventStatus, type DispatcherFixture } from './dispatcher-fixture.js';

describe('payload filters at fan-out', () => {
  let fx: DispatcherFixture;
  let sink: Receiver;

  beforeAll(async () => {
    fx = await startDispatcher('dispfilter');
    sink = await startReceiver();
  });

  afterAll(async () => {
    await fx.close();
    await sink.close();
  });

  it('when a filter excludes an event, that integration gets no job and the others still get theirs', async () => {
    const provider = uniqueProvider('acme');
    const big = await fx.insertIntegration({ provider, url: sink.url, eventTypes: ['order.*'], filter: { 'data.total': { $gte: 1000 } } });
    const all = await fx.insertIntegration({ provider, url: sink.url, eventTypes: ['order.*'] });
    const small = await fx.insertEvent({ provider, type: 'order.created', data: { total: 5 } });
    const large = await fx.insertEvent({ provider, type: 'order.created', data: { total: 5000 } });
    for (const eventId of [small, large]) await fx.publishEvent({ kind: 'event', eventId, provider, type: 'order.created' });

    for (const eventId of [small, large]) await waitForEventStatus(fx.db, eventId, 'processed');
    expect((await jobsOf(fx.db, small)).map((job) => job.integration_id)).toEqual([all.id]);
    expect((await jobsOf(fx.db, large)).map((job) => job.integration_id).sort()).toEqual([all.id, big.id].sort());
  });

  it('when every subscriber filters an event out, the event is processed with no job', async () => {
    const provider = uniqueProvider('acme');
    await fx.insertIntegration({ provider, url: sink.url, eventTypes: ['*'], filter: { type: 'never.this' } });
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });
    await fx.publishEvent({ kind: 'event', eventId, provider, type: 'order.created' });
    expect(await waitForEventStatus(fx.db, eventId, 'processed', 'processing')).toBe('processed');
    expect(await jobsOf(fx.db, eventId)).toEqual([]);
  });

  it('creates jobs exactly for the integrations whose random filter the reference evaluator says matches (fast-check)', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(referenceFilterArbitrary, { minLength: 4, maxLength: 4 }),
      fc.array(referenceEventArbitrary('placeholder'), { minLength: 15, maxLength: 15 }),
      async (filters, generated) => {
        const provider = uniqueProvider('acme');
        const integrations = await Promise.all(filters.map(async (filter) => ({
          filter, id: (await fx.insertIntegration({ provider, url: sink.url, eventTypes: ['*'], filter })).id,
        })));
        const events = generated.map((event) => ({ ...event, provider }));
        const ids = await Promise.all(events.map((event) => fx.insertEvent(event)));
        await Promise.all(ids.map((eventId, index) => fx.publishEvent({ kind: 'event', eventId, provider, type: events[index]!.type })));
        // Fanned out once the event has left pending; its jobs exist from that statement on.
        await waitFor(async () => {
          const pending = await fx.db('events').whereIn('id', ids).andWhere({ status: 'pending' }).count<{ count: number }[]>({ count: '*' });
          return Number(pending[0]!.count) === 0;
        }, { timeoutMs: 20_000 });
        for (const [index, eventId] of ids.entries()) {
          const expected = integrations.filter(({ filter }) => referenceMatches(filter, events[index]!)).map(({ id }) => id).sort();
          expect((await jobsOf(fx.db, eventId)).map((job) => job.integration_id).sort()).toEqual(expected);
        }
      },
    ), { numRuns: 4, seed: 20261204 });
  });
});
