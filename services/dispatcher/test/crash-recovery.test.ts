import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { BrokerUnavailableError } from '@hookway/broker';
import type { DeadMessage } from '@hookway/contracts';
import { SsrfGuard, WebhookClient } from '@hookway/outbound';
import { SecretBox } from '@hookway/signing';
import { captureLogger, silentLogger, startReceiver, waitFor, type Receiver } from '@hookway/testing';
import { IntegrationRepository } from '../src/data-access/integration.repository.js';
import { BatchedJobStore } from '../src/data-access/batched-job.store.js';
import { JobRepository } from '../src/data-access/job.repository.js';
import { EventRepository } from '../src/data-access/event.repository.js';
import { ReplayRequestRepository } from '../src/data-access/replay-request.repository.js';
import { FanOut } from '../src/domain/fan-out.js';
import { FirstAttempts } from '../src/domain/first-attempts.js';
import { JobDelivery } from '../src/domain/job-delivery.js';
import type { DispatchPublisher } from '../src/domain/ports.js';
import { RetryPolicy } from '../src/domain/retry-policy.js';
import { deliverJobConsumer, pacedAttempt } from '../src/entry-points/queue/deliver-job.consumer.js';
import { BrokerDispatchPublisher } from '../src/outbound/dispatch-publisher.js';
import { attemptsOf, jobsOf, startDispatcher, uniqueProvider, type DispatcherFixture } from './dispatcher-fixture.js';

// A consumer that died mid-delivery leaves its job 'delivering'. Only RabbitMQ's redelivery of that
// message may take the attempt over; a second published copy of it may not.
describe('dispatcher after a consumer died mid-delivery', () => {
  let fx: DispatcherFixture;
  let sink: Receiver;

  beforeAll(async () => {
    fx = await startDispatcher('dispcrash', {}, { deferStart: true });
    sink = await startReceiver();
  });

  afterAll(async () => {
    await fx.close();
    await sink.close();
  });

  it('a redelivered job message takes over the abandoned attempt and delivers it; a fresh copy does not', async () => {
    const provider = uniqueProvider('acme');
    const integration = await fx.insertIntegration({ provider, url: sink.url, eventTypes: ['*'] });
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });
    const [job] = await fx.db('delivery_jobs')
      .insert({ event_id: eventId, integration_id: integration.id, status: 'delivering', attempt_count: 1, max_attempts: 3 })
      .returning<Array<{ id: string }>>('id');
    const abandoned = job!.id;
    const { jobs: jobsQueue } = fx.queues.topology.queues;

    // The dying consumer had received the message and never acked it: RabbitMQ hands it back as redelivered.
    await fx.publishJob({ jobId: abandoned, eventId, integrationId: integration.id, attempt: 1 });
    await fx.broker.withChannel(async (channel) => {
      const message = await waitFor(async () => (await channel.get(jobsQueue, { noAck: false })) || undefined, { what: 'the job message' });
      expect(message.fields.redelivered).toBe(false);
    });

    // A second, fresh copy of the same message (e.g. a duplicate publish) arrives as well.
    await fx.publishJob({ jobId: abandoned, eventId, integrationId: integration.id, attempt: 1 });
    await fx.startService();

    await waitFor(async () => (await jobsOf(fx.db, eventId))[0]?.status === 'succeeded', { what: 'the abandoned job to be delivered' });
    // Both copies (the redelivered one and the fresh one) dealt with: nothing more can reach the sink.
    await waitFor(async () => (await fx.handledJobMessages()) >= 2, { what: 'both copies of the message to be handled' });
    expect(sink.requests).toHaveLength(1);
    const attempts = await attemptsOf(fx.db, eventId);
    expect(attempts.map((attempt) => attempt.attempt_number)).toEqual([1]);
  });
});

// A copy that stands in for a redelivery keeps its right to take over the attempt a dead consumer
// claimed: the copy a pacing queue held for a redelivered message, and the job an in-process first attempt
// hands back when it fails. Refused, either would leave its job to the sweeper's lease (5 minutes).
describe('dispatcher: copies that stand in for a redelivery', () => {
  let fx: DispatcherFixture;
  let sink: Receiver;

  beforeAll(async () => {
    fx = await startDispatcher('disptakeover', {}, { deferStart: true });
    sink = await startReceiver();
  });

  afterAll(async () => {
    await fx.close();
    await sink.close();
  });

  const abandonedJob = async (path: string): Promise<{ jobId: string; eventId: string; integrationId: string; provider: string }> => {
    const provider = uniqueProvider('acme');
    const integration = await fx.insertIntegration({ provider, url: `${sink.url}/${path}`, eventTypes: ['*'] });
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });
    const [job] = await fx.db('delivery_jobs')
      .insert({ event_id: eventId, integration_id: integration.id, status: 'delivering', attempt_count: 1, max_attempts: 3 })
      .returning<Array<{ id: string }>>('id');
    return { jobId: job!.id, eventId, integrationId: integration.id, provider };
  };

  it('a redelivered job message that a receiver\'s pause holds back takes the abandoned attempt over when its paced copy comes back', async () => {
    const { jobId, eventId, integrationId } = await abandonedJob('paused');
    // The receiver asked for a pause (429 retry-after) that outlasts the shortest pacing queue by far, even after
    // a slow start of the service: the message waits in the pacing queues, not in process.
    await fx.db('integration_pacing').insert({ integration_id: integrationId, paused_until: fx.db.raw("now() + interval '5 seconds'") });
    await fx.publishJob({ jobId, eventId, integrationId, attempt: 1 });
    await fx.broker.withChannel(async (channel) => {
      const message = await waitFor(async () => (await channel.get(fx.queues.topology.queues.jobs, { noAck: false })) || undefined, { what: 'the job message' });
      expect(message.fields.redelivered).toBe(false);
    });
    await fx.startService();

    await waitFor(async () => (await jobsOf(fx.db, eventId))[0]?.status === 'succeeded', { timeoutMs: 30_000, what: 'the paced takeover to deliver the abandoned job' });
    const [request] = sink.requests.filter((r) => r.path === '/paused');
    expect(sink.requests.filter((r) => r.path === '/paused')).toHaveLength(1);
    // Not before the pause ended: it went through the pacing queue.
    const pacing = await fx.db('integration_pacing').where({ integration_id: integrationId }).first<{ paused_until: Date }>('paused_until');
    expect(request!.receivedAt).toBeGreaterThanOrEqual(pacing.paused_until.getTime());
    expect((await attemptsOf(fx.db, eventId)).map((attempt) => attempt.attempt_number)).toEqual([1]);
    // The redelivered message, then at least one copy back from a pacing queue: the copy made the delivery.
    expect(await fx.handledJobMessages()).toBeGreaterThanOrEqual(2);
  });

  it('a job whose in-process first attempt failed after its claim is taken over from the queue, and a plain copy is not', async () => {
    await fx.startService();
    const { jobId, eventId, integrationId } = await abandonedJob('handback');
    const publisher = new BrokerDispatchPublisher(fx.broker);
    // The attempt of a job created claimed fails (PostgreSQL lost mid-attempt, say) before any request.
    const first = new FirstAttempts({
      attempt: async () => undefined,
      attemptClaimed: async () => { throw new Error('simulated: connection terminated'); },
      admitsAtOnce: async () => true,
      publishJob: (message, correlationId, options) => publisher.publishJob(message, correlationId, options),
      slots: 1,
      logger: silentLogger(),
    });
    const before = await fx.handledJobMessages();
    // A plain copy of the same attempt (a duplicate publish) is refused: the job is someone's attempt.
    await fx.publishJob({ jobId, eventId, integrationId, attempt: 1 });
    await waitFor(async () => (await fx.handledJobMessages()) >= before + 1, { what: 'the plain copy to be handled' });
    expect((await jobsOf(fx.db, eventId))[0]?.status).toBe('delivering');

    const [reserved] = await first.reserve([integrationId]);
    expect(reserved).toBe(true);
    const job = (await jobsOf(fx.db, eventId))[0]!;
    await first.startClaimed({
      job: {
        id: jobId, eventId, integrationId, replayRequestId: null, status: 'delivering', attemptCount: job.attempt_count, maxAttempts: 3,
        lastStatusCode: null, lastError: null, nextAttemptAt: null, completedAt: null, orderKey: null,
      },
      event: undefined,
      target: undefined,
    }, 'handback-test');

    await waitFor(async () => (await jobsOf(fx.db, eventId))[0]?.status === 'succeeded', { what: 'the handed-back job to be delivered' });
    expect(sink.requests.filter((r) => r.path === '/handback')).toHaveLength(1);
    expect((await attemptsOf(fx.db, eventId)).map((attempt) => attempt.attempt_number)).toEqual([1]);
    await first.stop();
  });

  it('a redelivered event message whose claimed first attempt a stopping dispatcher cannot make hands it to the queue as a takeover', async () => {
    await fx.startService();
    const { eventId, provider } = await abandonedJob('stopping');
    const publisher = new BrokerDispatchPublisher(fx.broker);
    const first = new FirstAttempts({
      attempt: async () => undefined, attemptClaimed: async () => undefined, admitsAtOnce: async () => true,
      publishJob: (message, correlationId, options) => publisher.publishJob(message, correlationId, options), slots: 4, logger: silentLogger(),
    });
    // This replica is stopping: it starts no attempt, not even a takeover.
    await first.stop();
    const fanOut = new FanOut({
      events: new EventRepository(fx.db),
      integrations: new IntegrationRepository(fx.db),
      jobs: new BatchedJobStore(new JobRepository(fx.db), { maxBatchSize: 4, batchesInFlight: 1 }),
      replays: new ReplayRequestRepository(fx.db),
      publisher,
      maxAttempts: 3,
      firstAttempts: first,
    });

    // The event message comes back redelivered: the process that claimed the first attempt is gone.
    const [result] = await fanOut.dispatchMany([{
      message: { kind: 'event', eventId, provider, type: 'order.created' },
      context: { correlationId: 'stopping-test', logger: silentLogger(), redelivered: true },
    }]);
    expect(result).toMatchObject({ outcome: 'dispatched' });

    await waitFor(async () => (await jobsOf(fx.db, eventId))[0]?.status === 'succeeded', { what: 'the running dispatcher to take the attempt over from the queue' });
    expect(sink.requests.filter((r) => r.path === '/stopping')).toHaveLength(1);
    expect((await attemptsOf(fx.db, eventId)).map((attempt) => attempt.attempt_number)).toEqual([1]);
  });
});

// The outcome is committed, then the publish that should follow fails (the process could as well have
// died there): the message is not acked, RabbitMQ redelivers it, and the redelivered copy must publish
// what is owed without delivering the attempt again. The delivery is composed here, with a publisher
// that fails once where told, over the real repositories, broker and receiver.
describe('dispatcher after a crash between the commit and the publishes', () => {
  let fx: DispatcherFixture;
  let sink: Receiver;
  const failOnce = new Set<'retry' | 'dead'>();
  const deadLetters: DeadMessage[] = [];
  const brokerLog = captureLogger('broker', 'warn');
  const redeliveries = (): number => brokerLog.lines.filter((line) => line.includes('consumer failed; message will be redelivered')).length;

  beforeAll(async () => {
    fx = await startDispatcher('dispcommit', { RETRY_SCHEDULE: '100ms' }, { deferStart: true, brokerLogger: brokerLog.logger });
    sink = await startReceiver();
    const publisher = new BrokerDispatchPublisher(fx.broker);
    const failing = (what: 'retry' | 'dead'): void => {
      if (failOnce.delete(what)) throw new BrokerUnavailableError(`simulated: broker lost before the ${what} publish`);
    };
    const flaky: DispatchPublisher = {
      publishJob: (message, correlationId) => publisher.publishJob(message, correlationId),
      publishRetry: async (message, delayMs, correlationId) => {
        failing('retry');
        await publisher.publishRetry(message, delayMs, correlationId);
      },
      publishDead: async (message, correlationId) => {
        failing('dead');
        await publisher.publishDead(message, correlationId);
      },
      publishAudit: (fact) => publisher.publishAudit(fact),
    };
    const secretBox = new SecretBox(fx.config.secretEncryptionKey);
    const agents = { http: new HttpAgent(), https: new HttpsAgent() };
    const delivery = new JobDelivery({
      jobs: new BatchedJobStore(new JobRepository(fx.db), { maxBatchSize: 4, batchesInFlight: 1 }),
      integrations: new IntegrationRepository(fx.db),
      sender: new WebhookClient({ timeoutMs: 2_000, agents, guard: new SsrfGuard(fx.config.outboundAllowCidrs) }),
      publisher: flaky,
      retryPolicy: new RetryPolicy(fx.config.retryScheduleMs),
      circuitBreakerThreshold: fx.config.circuitBreakerThreshold,
      openSecret: (sealed) => secretBox.open(sealed),
    });
    await fx.broker.consume(fx.queues.topology.queues.jobs, deliverJobConsumer(pacedAttempt(delivery, silentLogger()), silentLogger()), { prefetch: 4, requeueDelayMs: 20 });
  });

  afterAll(async () => {
    await fx.close();
    await sink.close();
  });

  const jobFor = async (path: string): Promise<{ jobId: string; eventId: string; integrationId: string }> => {
    const provider = uniqueProvider('acme');
    const integration = await fx.insertIntegration({ provider, url: `${sink.url}/${path}`, eventTypes: ['*'] });
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });
    const [job] = await fx.db('delivery_jobs')
      .insert({ event_id: eventId, integration_id: integration.id, status: 'pending', attempt_count: 0, max_attempts: 2 })
      .returning<Array<{ id: string }>>('id');
    return { jobId: job!.id, eventId, integrationId: integration.id };
  };

  it('when the retry publish fails after the commit, the redelivered attempt publishes the retry instead of delivering again', async () => {
    sink.reply((request) => (request.path === '/flaky' && sink.requests.filter((r) => r.path === '/flaky').length === 1
      ? { status: 500 }
      : { status: 200 }));
    const { jobId, eventId, integrationId } = await jobFor('flaky');
    failOnce.add('retry');
    const before = redeliveries();

    await fx.publishJob({ jobId, eventId, integrationId, attempt: 1 });

    await waitFor(async () => (await jobsOf(fx.db, eventId))[0]?.status === 'succeeded', { what: 'the retried job to succeed' });
    expect(failOnce.has('retry')).toBe(false);
    expect(redeliveries()).toBe(before + 1);
    expect(sink.requests.filter((request) => request.path === '/flaky')).toHaveLength(2);
    const attempts = await attemptsOf(fx.db, eventId);
    expect(attempts.map((attempt) => [attempt.attempt_number, attempt.status_code])).toEqual([[1, 500], [2, 200]]);
    const fact = await fx.waitForAudit(`job.retry_scheduled:${jobId}:1`);
    expect(fact.details).toMatchObject({ attempt: 1, nextAttempt: 2, statusCode: 500 });
    await fx.waitForAudit(`job.delivered:${jobId}`);
  });

  it('when the dead-letter publish fails after the commit, the redelivered attempt publishes the dead letter and the 410\'s integration.disabled fact', async () => {
    sink.reply((request) => (request.path === '/gone' ? { status: 410 } : { status: 200 }));
    const { jobId, eventId, integrationId } = await jobFor('gone');
    failOnce.add('dead');
    const before = redeliveries();

    await fx.publishJob({ jobId, eventId, integrationId, attempt: 1 });

    const letters = await waitFor(async () => {
      deadLetters.push(...(await fx.deadLetters()));
      const matching = deadLetters.filter((letter) => letter.jobId === jobId);
      return matching.length > 0 ? matching : undefined;
    }, { what: 'the dead letter' });
    expect(failOnce.has('dead')).toBe(false);
    expect(redeliveries()).toBe(before + 1);
    expect(letters).toEqual([{ jobId, reason: 'HTTP_410: endpoint answered 410 Gone' }]);
    await fx.waitForAudit(`job.dead_lettered:${jobId}:1`);
    const fact = await fx.waitForAudit(`integration.disabled:${integrationId}:${jobId}`);
    expect(fact.details).toMatchObject({ reason: 'endpoint answered 410 Gone', statusCode: 410 });
    expect(sink.requests.filter((request) => request.path === '/gone')).toHaveLength(1);
    expect(await attemptsOf(fx.db, eventId)).toHaveLength(1);
  });
});
