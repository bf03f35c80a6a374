import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import amqp from 'amqplib';
import { createTestBroker, silentLogger, startTcpProxy, waitFor, type TestBroker } from '@hookway/testing';
import { isJobMessage, parseMessage, type JobMessage } from '@hookway/contracts';
import { Broker, BrokerUnavailableError, buildTopology, delayLabel } from '../src/index.js';

const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

describe('topology names', () => {
  it('labels retry tiers by their delay and prefixes every name', () => {
    expect([50, 5_000, 120_000, 3_600_000, 1_500].map(delayLabel)).toEqual(['50ms', '5s', '2m', '1h', '1500ms']);
    const topology = buildTopology('px', [5_000, 5_000, 30_000]);
    expect(topology.retryTiers.map((tier) => tier.queue)).toEqual(['px.dispatcher.retry.5s', 'px.dispatcher.retry.30s']);
    expect(Object.values(topology.exchanges).every((name) => name.startsWith('px.'))).toBe(true);
    expect(Object.values(topology.queues).every((name) => name.startsWith('px.'))).toBe(true);
  });
});

describe('Broker against RabbitMQ', () => {
  let fixture: TestBroker;
  let broker: Broker;

  beforeAll(async () => {
    fixture = await createTestBroker('broker', [100]);
    broker = await Broker.connect({ url: RABBITMQ_URL, prefix: fixture.prefix, retryScheduleMs: [100], logger: silentLogger() });
  });

  afterAll(async () => {
    await broker.close();
    await fixture.cleanup();
  });

  it('declares the topology idempotently (a second service starting is not an error)', async () => {
    const again = await Broker.connect({ url: RABBITMQ_URL, prefix: fixture.prefix, retryScheduleMs: [100], logger: silentLogger() });
    expect(again.isConnected()).toBe(true);
    await again.close();
  });

  it('publishes with confirms, acks what it handled, dead-letters poison, and delays through a retry tier', async () => {
    const arrivals = new Map<string, number>();
    await broker.consume(fixture.topology.queues.jobs, async (message) => {
      const parsed = parseMessage(message.content, isJobMessage);
      if (!parsed.ok) return { action: 'dead', reason: parsed.reason };
      arrivals.set(parsed.value.jobId, Date.now());
      return { action: 'ack' };
    }, { prefetch: 5 });

    const job: JobMessage = { jobId: crypto.randomUUID(), eventId: crypto.randomUUID(), integrationId: crypto.randomUUID(), attempt: 1 };
    await broker.publish(fixture.topology.exchanges.jobs, fixture.topology.jobRoutingKey, job);
    await waitFor(() => arrivals.has(job.jobId), { what: 'the job to be consumed' });

    // A poison message is dead-lettered with its reason, not redelivered forever.
    await broker.publish(fixture.topology.exchanges.jobs, fixture.topology.jobRoutingKey, { not: 'a job' });
    const dead = await waitFor(() => fixture.take(fixture.topology.queues.dead).then((m) => m ?? undefined), { what: 'a dead letter' });
    expect(dead.body).toMatchObject({ reason: expect.stringContaining('schema'), sourceQueue: fixture.topology.queues.jobs });
    expect(arrivals.size).toBe(1);

    // A retry tier holds a message for its queue TTL, then dead-letters it back to the jobs exchange.
    const tier = fixture.topology.retryTiers[0]!;
    const retried: JobMessage = { ...job, jobId: crypto.randomUUID(), attempt: 2 };
    const sentAt = Date.now();
    await broker.publish(fixture.topology.exchanges.retry, tier.label, retried);
    await waitFor(() => arrivals.has(retried.jobId), { what: 'the retried job' });
    expect(arrivals.get(retried.jobId)! - sentAt).toBeGreaterThanOrEqual(90);
  });

  it('fails fast with BrokerUnavailableError once closed', async () => {
    const closed = await Broker.connect({ url: RABBITMQ_URL, prefix: fixture.prefix, retryScheduleMs: [100], logger: silentLogger() });
    await closed.close();
    await expect(closed.publish(fixture.topology.exchanges.jobs, 'deliver', {})).rejects.toBeInstanceOf(BrokerUnavailableError);
  });

  it('after the broker goes away, fails fast, then reconnects by itself and consumes again', async () => {
    const proxy = await startTcpProxy('127.0.0.1', Number(new URL(RABBITMQ_URL).port || 5672));
    const url = new URL(RABBITMQ_URL);
    url.port = String(proxy.port);
    const resilient = await Broker.connect({ url: url.toString(), prefix: fixture.prefix, retryScheduleMs: [100], logger: silentLogger() });
    const seen = new Set<string>();
    await resilient.consume(fixture.topology.queues.events, async (message) => {
      seen.add((JSON.parse(message.content.toString('utf8')) as { eventId: string }).eventId);
      return { action: 'ack' };
    }, { prefetch: 2 });
    const event = (): { kind: 'event'; eventId: string; provider: string; type: string } =>
      ({ kind: 'event', eventId: crypto.randomUUID(), provider: 'acme', type: 'order.created' });
    try {
      const first = event();
      await resilient.publish(fixture.topology.exchanges.events, 'acme.order.created', first);
      await waitFor(() => seen.has(first.eventId), { what: 'the first event' });

      proxy.cut({ refuse: true });
      await waitFor(() => !resilient.isConnected(), { what: 'the disconnect to be noticed' });
      await expect(resilient.publish(fixture.topology.exchanges.events, 'acme.order.created', event())).rejects.toBeInstanceOf(BrokerUnavailableError);

      proxy.restore();
      await waitFor(() => resilient.isConnected(), { timeoutMs: 15_000, what: 'the reconnect' });
      const second = event();
      await resilient.publish(fixture.topology.exchanges.events, 'acme.order.created', second);
      await waitFor(() => seen.has(second.eventId), { what: 'the event published after the reconnect' });
    } finally {
      await resilient.close();
      await proxy.close();
    }
  });
  it('a listener stopped just as the connection dies stops all the same (no close-ok ever comes)', async () => {
    const proxy = await startTcpProxy('127.0.0.1', Number(new URL(RABBITMQ_URL).port || 5672));
    const url = new URL(RABBITMQ_URL);
    url.port = String(proxy.port);
    const resilient = await Broker.connect({ url: url.toString(), prefix: fixture.prefix, retryScheduleMs: [100], logger: silentLogger() });
    try {
      const stop = await resilient.listenTo(fixture.topology.exchanges.audit, ['#'], () => undefined);
      // RabbitMQ's answer to the channel close never arrives; then the connection drops.
      proxy.hold();
      const sentBefore = proxy.clientBytes();
      const stopped = stop().then(() => 'stopped');
      // The channel close has gone out (its answer is held): now the connection drops.
      await waitFor(() => proxy.clientBytes() > sentBefore, { what: 'the channel close to be sent' });
      proxy.cut();
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([stopped, new Promise((resolve) => {
        timer = setTimeout(() => resolve('still waiting'), 3_000);
      })]);
      clearTimeout(timer);
      expect(outcome).toBe('stopped');
    } finally {
      await resilient.close();
      await proxy.close();
    }
  });

  it('a message whose dead-lettering fails is handed back and tried again, not left unsettled, until the publish channel is back', async () => {
    const own = await createTestBroker('brokerdeadfail', [100]);
    const failing = await Broker.connect({ url: RABBITMQ_URL, prefix: own.prefix, retryScheduleMs: [100], logger: silentLogger() });
    const admin = await amqp.connect(RABBITMQ_URL);
    try {
      let handled = 0;
      await failing.consume(own.topology.queues.events, () => {
        handled += 1;
        return Promise.resolve({ action: 'dead', reason: 'unparseable' });
      }, { prefetch: 4, requeueDelayMs: 50 });
      // Without its dead exchange, no dead-lettering can be confirmed.
      await (await admin.createChannel()).deleteExchange(own.topology.exchanges.dead);
      await failing.publish(own.topology.exchanges.events, 'acme.order.created', { kind: 'event' });
      await waitFor(() => handled >= 3, { what: 'the message to come back after each failed dead-lettering' });
      // The publish channel RabbitMQ closed is opened again and the topology declared again: the message
      // finally reaches the dead queue, and nothing is left behind.
      await waitFor(async () => (await own.depth(own.topology.queues.dead)) === 1 || undefined, { what: 'the message to be dead-lettered at last' });
      expect(failing.isConnected()).toBe(true);
      await waitFor(async () => (await own.depth(own.topology.queues.events)) === 0 || undefined, { what: 'the events queue to be empty' });
    } finally {
      await admin.close();
      await failing.close();
      await own.cleanup();
    }
  });
});
