// The live feed is followed only while a GET /stream client is connected: RabbitMQ routes no job fact
// to an idle management service. Against a real broker: facts published while nobody listens never
// arrive, and the feed comes back with the next client.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Broker } from '@hookway/broker';
import { auditFact, isAuditFact, parseMessage } from '@hookway/contracts';
import { createTestBroker, silentLogger, waitFor, type TestBroker } from '@hookway/testing';
import { JobStream, jobUpdateOf, type JobUpdate } from '../src/domain/job-stream.js';

const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

describe('JobStream against RabbitMQ', () => {
  let fixture: TestBroker;
  let broker: Broker;

  beforeAll(async () => {
    fixture = await createTestBroker('jobstream', [100]);
    broker = await Broker.connect({ url: RABBITMQ_URL, prefix: fixture.prefix, retryScheduleMs: [100], logger: silentLogger() });
  });

  afterAll(async () => {
    await broker.close();
    await fixture.cleanup();
  });

  it('follows the job facts from the first client to the last, and again for the next one', async () => {
    let received = 0;
    let starts = 0;
    let stops = 0;
    const stream: JobStream = new JobStream(async () => {
      starts += 1;
      const stop = await broker.listenTo(broker.topology.exchanges.audit, ['job.#'], (message) => {
        received += 1;
        const parsed = parseMessage(message.content, isAuditFact);
        const update = parsed.ok ? jobUpdateOf(parsed.value) : undefined;
        if (update) stream.publish(update);
      });
      return async () => {
        stops += 1;
        await stop();
      };
    });
    const delivered = () => auditFact({
      factId: `job.delivered:${randomUUID()}`, entityType: 'job', entityId: randomUUID(), action: 'delivered', actor: 'dispatcher',
      details: { eventId: randomUUID(), integrationId: randomUUID(), attempt: 1, statusCode: 200, latencyMs: 3 },
    });

    expect(starts).toBe(0);
    const first: JobUpdate[] = [];
    const second: JobUpdate[] = [];
    const leaveFirst = await stream.subscribe({}, (update) => first.push(update));
    const leaveSecond = await stream.subscribe({}, (update) => second.push(update));
    expect(starts).toBe(1);
    const seen = delivered();
    await broker.publishAudit(seen);
    await waitFor(() => first.length === 1 && second.length === 1, { what: 'the update to reach both clients' });
    expect(first[0]).toMatchObject({ jobId: seen.entityId });

    leaveFirst();
    leaveSecond();
    await waitFor(() => stops === 1 || undefined, { what: 'the feed to stop with the last client' });
    // Nobody listens: RabbitMQ routes this one nowhere for us.
    await broker.publishAudit(delivered());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toBe(1);

    const third: JobUpdate[] = [];
    const leaveThird = await stream.subscribe({}, (update) => third.push(update));
    expect(starts).toBe(2);
    const later = delivered();
    await broker.publishAudit(later);
    await waitFor(() => third.length === 1, { what: 'the update to reach the next client' });
    expect(third[0]).toMatchObject({ jobId: later.entityId });
    expect(received).toBe(2);
    leaveThird();
    await waitFor(() => stops === 2 || undefined, { what: 'the feed to stop again' });
  });

  it('a client that leaves while the feed is being set up leaves nothing followed', async () => {
    let following = 0;
    const stream = new JobStream(async () => {
      following += 1;
      const stop = await broker.listenTo(broker.topology.exchanges.audit, ['job.#'], () => undefined);
      return async () => {
        following -= 1;
        await stop();
      };
    });
    const subscriptions = await Promise.all([stream.subscribe({}, () => undefined), stream.subscribe({}, () => undefined)]);
    for (const leave of subscriptions) leave();
    const leaveAtOnce = stream.subscribe({}, () => undefined).then((leave) => leave());
    await leaveAtOnce;
    await waitFor(() => following === 0 || undefined, { what: 'the feed to be stopped' });
    expect(stream.size).toBe(0);
  });
  it('a feed that could not be followed fails that client only; the next one follows it', async () => {
    let attempts = 0;
    const stream = new JobStream(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('broker refused the queue');
      return broker.listenTo(broker.topology.exchanges.audit, ['job.#'], () => undefined);
    });
    await expect(stream.subscribe({}, () => undefined)).rejects.toThrow('broker refused the queue');
    const leave = await stream.subscribe({}, () => undefined);
    expect(attempts).toBe(2);
    expect(stream.size).toBe(1);
    leave();
  });
});
