// The events window is as wide as the in-process first attempts' slots (DISPATCHER_PREFETCH less the job
// consumer's quarter): every event in flight has a slot for its subscriber's first attempt, so a burst of
// single-subscriber events against a slow receiver sends no job message at all. With a window twice the
// slots, half of each window's events went through the jobs queue.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startReceiver, waitFor, type Receiver } from '@hookway/testing';
import { jobsOf, startDispatcher, uniqueProvider, type DispatcherFixture } from './dispatcher-fixture.js';

const PREFETCH = 8;
const EVENTS = 24;

describe('dispatcher: a burst of events against a slow receiver', () => {
  let fx: DispatcherFixture;
  let sink: Receiver;

  beforeAll(async () => {
    fx = await startDispatcher('dispwindow', { DISPATCHER_PREFETCH: String(PREFETCH) }, { deferStart: true });
    sink = await startReceiver();
  });

  afterAll(async () => {
    await fx.close();
    await sink.close();
  });

  const metric = async (pattern: RegExp): Promise<number> => {
    const text = await (await fetch(`${fx.opsUrl()}/metrics`)).text();
    return [...text.matchAll(pattern)].reduce((sum, match) => sum + Number(match[1]), 0);
  };

  it('makes every first attempt in process, on jobs created claimed, and sends no job message', async () => {
    // Every attempt holds its slot a while, so the window fills with events whose attempts are under way.
    sink.reply(() => ({ status: 200, delayMs: 100 }));
    const provider = uniqueProvider('window');
    await fx.insertIntegration({ provider, url: sink.url, eventTypes: ['*'] });
    const eventIds: string[] = [];
    for (let index = 0; index < EVENTS; index += 1) eventIds.push(await fx.insertEvent({ provider, type: 'order.created' }));
    // Queued before the dispatcher starts: its first fan-out gets a full window at once.
    for (const eventId of eventIds) await fx.publishEvent({ kind: 'event', eventId, provider, type: 'order.created' });
    await fx.startService();

    await waitFor(async () => {
      const jobs = (await Promise.all(eventIds.map((eventId) => jobsOf(fx.db, eventId)))).flat();
      return jobs.length === EVENTS && jobs.every((job) => job.status === 'succeeded');
    }, { timeoutMs: 30_000, what: 'every event delivered' });

    expect(new Set(sink.requests.map((request) => request.headers['webhook-id'])).size).toBe(EVENTS);
    await waitFor(async () => (await metric(/^hookway_dispatcher_first_attempts_total\{start="created_claimed"[^}]*\} (\d+)$/gm)) === EVENTS, {
      what: `${EVENTS} first attempts on jobs created claimed`,
    });
    expect(await metric(/^hookway_dispatcher_first_attempts_total\{start="(?:claim|takeover)"[^}]*\} (\d+)$/gm)).toBe(0);
    expect(await metric(/^hookway_dispatcher_messages_handled_total\{[^}]*queue="jobs"[^}]*\} (\d+)$/gm)).toBe(0);
  });
});
