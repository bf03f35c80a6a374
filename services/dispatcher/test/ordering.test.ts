// Ordered delivery per subject through the real dispatcher (two replicas), PostgreSQL, RabbitMQ and receiver:
// the events of one subject reach an ordered integration one at a time, in ingress order (events.seq), whatever
// order their messages come in and whichever replica takes them; a retried event holds its subject; a dead one
// lets the next go (skip) or holds the subject (block) until the integration is switched to skip or the dead
// event is replayed.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startReceiver, waitFor, type Receiver, type ReceivedRequest } from '@hookway/testing';
import { StrandedJobRepository } from '../src/data-access/stranded-job.repository.js';
import { JobSweeper } from '../src/domain/job-sweeper.js';
import { BrokerDispatchPublisher } from '../src/outbound/dispatch-publisher.js';
import { silentLogger } from '@hookway/testing';
import { start } from '../src/main.js';
import { startDispatcher, uniqueProvider, type DispatcherFixture } from './dispatcher-fixture.js';

interface Arrival {
  eventId: string;
  subject: string;
  index: number;
  status: number;
}

/** A receiver that records, per subject, the order of arrivals and whether two events of one subject were ever in flight at once. */
async function orderedReceiver(statusOf: (arrival: Omit<Arrival, 'status'>, request: ReceivedRequest) => number = () => 200) {
  const receiver: Receiver = await startReceiver();
  const arrivals: Arrival[] = [];
  const inFlight = new Map<string, Set<string>>();
  let overlaps = 0;
  receiver.reply((request) => {
    const body = JSON.parse(request.body) as { id: string; subject: string; data: { index: number } };
    const arrival = { eventId: body.id, subject: body.subject, index: body.data.index };
    const status = statusOf(arrival, request);
    arrivals.push({ ...arrival, status });
    const flying = inFlight.get(arrival.subject) ?? new Set<string>();
    if ([...flying].some((eventId) => eventId !== arrival.eventId)) overlaps += 1;
    flying.add(arrival.eventId);
    inFlight.set(arrival.subject, flying);
    const delayMs = 3;
    setTimeout(() => flying.delete(arrival.eventId), delayMs);
    return { status, delayMs };
  });
  return { receiver, arrivals, overlaps: () => overlaps };
}

/** Inversions in the first successful arrival of each event, per subject. */
function inversions(arrivals: readonly Arrival[]): number {
  const seen = new Set<string>();
  const lastIndex = new Map<string, number>();
  let count = 0;
  for (const arrival of arrivals) {
    if (arrival.status >= 300 || seen.has(arrival.eventId)) continue;
    seen.add(arrival.eventId);
    if ((lastIndex.get(arrival.subject) ?? -1) > arrival.index) count += 1;
    lastIndex.set(arrival.subject, arrival.index);
  }
  return count;
}

/** A deterministic shuffle, so a failure can be replayed. */
function shuffled<T>(items: readonly T[]): T[] {
  const result = [...items];
  let seed = 20261205;
  for (let index = result.length - 1; index > 0; index -= 1) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const other = seed % (index + 1);
    [result[index], result[other]] = [result[other]!, result[index]!];
  }
  return result;
}

describe('ordered delivery per subject', () => {
  let fx: DispatcherFixture;
  let secondReplica: { stop(): Promise<void> };
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    fx = await startDispatcher('disporder');
    // Two replicas compete for the same queues: a subject's line must hold across both.
    secondReplica = await start(fx.config, silentLogger('dispatcher'));
  });

  afterAll(async () => {
    await secondReplica.stop();
    await fx.close();
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });

  async function setUp(options: { orderingOnDead?: 'skip' | 'block'; statusOf?: Parameters<typeof orderedReceiver>[0] } = {}) {
    const provider = uniqueProvider('acme');
    const sink = await orderedReceiver(options.statusOf);
    receivers.push(sink.receiver);
    const integration = await fx.insertIntegration({
      provider, url: sink.receiver.url, eventTypes: ['*'], ordering: 'subject', orderingOnDead: options.orderingOnDead ?? 'skip',
    });
    /** Inserts the events in ingress order (index per subject), returning them in that order. */
    const insert = async (subjects: readonly string[], perSubject: number) => {
      const events: Array<{ eventId: string; subject: string; index: number }> = [];
      for (let index = 0; index < perSubject; index += 1) {
        for (const subject of subjects) {
          events.push({ eventId: await fx.insertEvent({ provider, type: 'order.updated', subject, data: { index } }), subject, index });
        }
      }
      return events;
    };
    const publish = (eventIds: readonly string[]) =>
      Promise.all(eventIds.map((eventId) => fx.publishEvent({ kind: 'event', eventId, provider, type: 'order.updated' })));
    const jobs = () => fx.db('delivery_jobs').where({ integration_id: integration.id })
      .select<Array<{ id: string; event_id: string; status: string; last_error: string | null; replay_request_id: string | null }>>(
        'id', 'event_id', 'status', 'last_error', 'replay_request_id');
    const statusOf = async (eventId: string) => (await jobs()).filter((job) => job.event_id === eventId && job.replay_request_id === null)[0]?.status;
    return { provider, sink, integration, insert, publish, jobs, statusOf };
  }

  it('delivers each subject\'s events one at a time in ingress order, whatever order their messages arrive in', async () => {
    const { sink, insert, publish, jobs } = await setUp();
    const subjects = Array.from({ length: 8 }, (_, index) => `order/${index}-${randomUUID().slice(0, 6)}`);
    const events = await insert(subjects, 15);
    // The messages come in shuffled: a later event's fan-out must take in the earlier, still pending ones.
    await publish(shuffled(events.map((event) => event.eventId)));

    await waitFor(async () => (await jobs()).filter((job) => job.status === 'succeeded').length === events.length,
      { timeoutMs: 60_000, what: `${events.length} ordered deliveries` });
    expect(inversions(sink.arrivals)).toBe(0);
    expect(sink.overlaps()).toBe(0);
    expect(new Set(sink.arrivals.map((arrival) => arrival.eventId)).size).toBe(events.length);
    for (const subject of subjects) {
      expect(sink.arrivals.filter((arrival) => arrival.subject === subject).map((arrival) => arrival.index))
        .toEqual(Array.from({ length: 15 }, (_, index) => index));
    }
    expect(await jobs()).toHaveLength(events.length);
  });

  it('holds a subject while its event is retried; the next goes only after it succeeded', async () => {
    let failures = 0;
    const { sink, insert, publish, jobs } = await setUp({
      statusOf: (arrival) => (arrival.index === 0 && arrival.subject.startsWith('held') && failures++ < 2 ? 503 : 200),
    });
    const held = `held/${randomUUID().slice(0, 6)}`;
    const free = `free/${randomUUID().slice(0, 6)}`;
    const events = await insert([held, free], 3);
    await publish(events.map((event) => event.eventId));
    await waitFor(async () => (await jobs()).filter((job) => job.status === 'succeeded').length === events.length,
      { timeoutMs: 30_000, what: 'every delivery, the held one after two retries' });

    const ofHeld = sink.arrivals.filter((arrival) => arrival.subject === held);
    expect(ofHeld.map((arrival) => [arrival.index, arrival.status])).toEqual([[0, 503], [0, 503], [0, 200], [1, 200], [2, 200]]);
    expect(sink.arrivals.filter((arrival) => arrival.subject === free).map((arrival) => arrival.index)).toEqual([0, 1, 2]);
  });

  it('skip: a dead event lets its subject\'s next one go, and the attempt log says so', async () => {
    const { sink, insert, publish, jobs, statusOf } = await setUp({ statusOf: (arrival) => (arrival.index === 0 ? 400 : 200) });
    const subject = `skip/${randomUUID().slice(0, 6)}`;
    const events = await insert([subject], 3);
    await publish(events.map((event) => event.eventId));
    await waitFor(async () => (await jobs()).filter((job) => job.status === 'succeeded').length === 2, { what: 'the two events after the dead one' });

    expect(await statusOf(events[0]!.eventId)).toBe('dead');
    expect(sink.arrivals.map((arrival) => [arrival.index, arrival.status])).toEqual([[0, 400], [1, 200], [2, 200]]);
    const [attempt] = await fx.db('delivery_attempts').where({ event_id: events[0]!.eventId }).select<Array<{ error_message: string }>>('error_message');
    expect(attempt!.error_message).toContain('ordered by subject, onDead skip');
  });

  it('block: a dead event holds its subject until the integration is switched to skip; the rest then go in order', async () => {
    const { sink, integration, insert, publish, jobs, statusOf } = await setUp({
      orderingOnDead: 'block', statusOf: (arrival) => (arrival.index === 0 ? 400 : 200),
    });
    const subject = `block/${randomUUID().slice(0, 6)}`;
    const events = await insert([subject], 3);
    await publish(events.map((event) => event.eventId));
    await waitFor(async () => (await statusOf(events[0]!.eventId)) === 'dead', { what: 'the first event dead' });
    const [attempt] = await fx.db('delivery_attempts').where({ event_id: events[0]!.eventId }).select<Array<{ error_message: string }>>('error_message');
    expect(attempt!.error_message).toContain('ordered by subject, onDead block');

    // The later events were fanned out behind the open head and wait; the sweeper does not let a blocked subject go.
    const sweeper = new JobSweeper({
      store: new StrandedJobRepository(fx.db), publisher: new BrokerDispatchPublisher(fx.broker), leaseMs: 600_000, logger: silentLogger('sweeper'),
    });
    expect(await sweeper.sweepOnce()).toMatchObject({ released: 0 });
    expect((await jobs()).map((job) => job.status).sort()).toEqual(['dead', 'waiting', 'waiting']);
    expect(sink.arrivals).toHaveLength(1);

    await fx.db('integrations').where({ id: integration.id }).update({ ordering_on_dead: 'skip' });
    expect(await sweeper.sweepOnce()).toMatchObject({ released: 1 });
    await waitFor(async () => (await jobs()).filter((job) => job.status === 'succeeded').length === 2, { what: 'the held events delivered' });
    expect(sink.arrivals.map((arrival) => [arrival.index, arrival.status])).toEqual([[0, 400], [1, 200], [2, 200]]);
  });

  it('block: replaying the dead event puts it back at the head of its subject; when it succeeds the rest go', async () => {
    let fixed = false;
    const { provider, sink, integration, insert, publish, jobs, statusOf } = await setUp({
      orderingOnDead: 'block', statusOf: (arrival) => (arrival.index === 0 && !fixed ? 400 : 200),
    });
    const subject = `replayed/${randomUUID().slice(0, 6)}`;
    const events = await insert([subject], 3);
    await publish(events.map((event) => event.eventId));
    await waitFor(async () => (await statusOf(events[0]!.eventId)) === 'dead', { what: 'the first event dead' });
    expect((await jobs()).filter((job) => job.status === 'waiting')).toHaveLength(2);

    fixed = true;
    const replayRequestId = randomUUID();
    await fx.db('replay_requests').insert({ id: replayRequestId, event_id: events[0]!.eventId, integration_id: integration.id, requested_by: 'ops', reason: 'fixed' });
    await fx.publishEvent({ kind: 'replay', eventId: events[0]!.eventId, provider, type: 'order.updated', replayRequestId });
    await waitFor(async () => (await jobs()).filter((job) => job.status === 'succeeded').length === 3, { what: 'the replay and the held events delivered' });
    expect(sink.arrivals.map((arrival) => [arrival.index, arrival.status])).toEqual([[0, 400], [0, 200], [1, 200], [2, 200]]);
  });

  it('an event without a subject, or of an unordered integration, is not held', async () => {
    const provider = uniqueProvider('acme');
    const sink = await orderedReceiver();
    receivers.push(sink.receiver);
    const ordered = await fx.insertIntegration({ provider, url: sink.receiver.url, eventTypes: ['*'], ordering: 'subject' });
    const eventId = await fx.insertEvent({ provider, type: 'order.updated', subject: null, data: { index: 0 } });
    await fx.publishEvent({ kind: 'event', eventId, provider, type: 'order.updated' });
    await waitFor(async () => (await fx.db('delivery_jobs').where({ integration_id: ordered.id, status: 'succeeded' })).length === 1,
      { what: 'the subject-less event delivered' });
    const [job] = await fx.db('delivery_jobs').where({ integration_id: ordered.id }).select<Array<{ order_key: string | null }>>('order_key');
    expect(job!.order_key).toBeNull();
  });
});
