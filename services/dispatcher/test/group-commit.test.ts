import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { silentLogger, startReceiver, waitFor, type Receiver } from '@hookway/testing';
import type { JobMessage } from '@hookway/contracts';
import { BatchedJobStore } from '../src/data-access/batched-job.store.js';
import { EventRepository } from '../src/data-access/event.repository.js';
import { IntegrationRepository } from '../src/data-access/integration.repository.js';
import { JobRepository, type AttemptEntry } from '../src/data-access/job.repository.js';
import { ReplayRequestRepository } from '../src/data-access/replay-request.repository.js';
import { FanOut } from '../src/domain/fan-out.js';
import { batchedFanOut } from '../src/entry-points/queue/fan-out.consumer.js';
import { BrokerDispatchPublisher } from '../src/outbound/dispatch-publisher.js';
import type { AttemptRecord } from '../src/domain/ports.js';
import { attemptsOf, consecutiveFailures, eventStatus, jobsOf, startDispatcher, uniqueProvider, type DispatcherFixture } from './dispatcher-fixture.js';

async function batchSizes(opsUrl: string, work: 'fan_out' | 'record'): Promise<{ count: number; sum: number }> {
  const text = await (await fetch(`${opsUrl}/metrics`)).text();
  const read = (suffix: string): number => {
    const match = new RegExp(`^hookway_dispatcher_batch_size_${suffix}\\{[^}]*work="${work}"[^}]*\\} (\\d+)$`, 'm').exec(text);
    return match ? Number(match[1]) : 0;
  };
  return { count: read('count'), sum: read('sum') };
}

describe('dispatcher group commit: messages that arrive together share their statements', () => {
  let fx: DispatcherFixture;
  let sinks: Receiver[];

  beforeAll(async () => {
    fx = await startDispatcher('dispgroupcommit', { DISPATCHER_PREFETCH: '64' }, { deferStart: true });
    sinks = [await startReceiver(), await startReceiver()];
  });

  afterAll(async () => {
    await fx.close();
    await Promise.all(sinks.map((sink) => sink.close()));
  });

  it('fans out a backlog in batches, each event to each subscriber exactly once, duplicates of a message included', async () => {
    const provider = uniqueProvider('acme');
    const integrations = await Promise.all(sinks.map((sink) => fx.insertIntegration({ provider, url: `${sink.url}/hooks`, eventTypes: ['order.*'] })));
    const eventIds: string[] = [];
    for (let i = 0; i < 20; i += 1) eventIds.push(await fx.insertEvent({ provider, type: 'order.created' }));
    const ignored = await fx.insertEvent({ provider, type: 'invoice.paid' });
    const missing = randomUUID();
    // The backlog waits in the queue, so the service receives it in one prefetch window. Every event
    // message comes twice, as RabbitMQ's at-least-once delivery may hand it over.
    for (const eventId of [...eventIds, ...eventIds, ignored, missing]) {
      await fx.publishEvent({ kind: 'event', eventId, provider, type: eventId === ignored ? 'invoice.paid' : 'order.created' });
    }

    await fx.startService();

    for (const sink of sinks) await waitFor(() => sink.requests.length >= eventIds.length, { what: 'every event at each receiver' });
    for (const eventId of eventIds) {
      await waitFor(async () => (await eventStatus(fx.db, eventId)) === 'processed', { what: `event ${eventId} processed` });
    }
    expect(await eventStatus(fx.db, ignored)).toBe('processed');
    expect(await jobsOf(fx.db, ignored)).toEqual([]);
    for (const sink of sinks) {
      const delivered = sink.requests.map((request) => String(request.headers['webhook-id'])).sort();
      expect(delivered).toEqual([...eventIds].sort());
    }
    for (const eventId of eventIds) {
      const jobs = await jobsOf(fx.db, eventId);
      expect(jobs.map((job) => job.integration_id).sort()).toEqual(integrations.map((integration) => integration.id).sort());
      expect(jobs.every((job) => job.status === 'succeeded' && job.attempt_count === 1)).toBe(true);
      expect(await attemptsOf(fx.db, eventId)).toHaveLength(2);
    }
    const dead = await waitFor(async () => {
      const letters = await fx.deadLetters();
      return letters.length > 0 ? letters : undefined;
    }, { what: 'the message of the missing event dead-lettered' });
    expect(dead.map((letter) => letter.reason)).toEqual([`event ${missing} does not exist`]);

    // 42 messages went through fewer fan-outs than messages: they shared statements.
    const fanOuts = await batchSizes(fx.opsUrl(), 'fan_out');
    expect(fanOuts.sum).toBe(42);
    expect(fanOuts.count).toBeLessThan(42);
    const records = await batchSizes(fx.opsUrl(), 'record');
    expect(records.sum).toBe(40);
  });
});

describe('batchedFanOut: a message PostgreSQL refuses', () => {
  let fx: DispatcherFixture;

  beforeAll(async () => {
    fx = await startDispatcher('dispbatchfault', {}, { deferStart: true });
  });

  afterAll(async () => {
    await fx.close();
  });

  it('fails alone: the messages batched with it are fanned out', async () => {
    const jobs = new JobRepository(fx.db);
    const fanOut = new FanOut({
      events: new EventRepository(fx.db),
      integrations: new IntegrationRepository(fx.db),
      jobs: new BatchedJobStore(jobs, { maxBatchSize: 8, batchesInFlight: 1 }),
      replays: new ReplayRequestRepository(fx.db),
      publisher: new BrokerDispatchPublisher(fx.broker),
      maxAttempts: 3,
    });
    const sizes: number[] = [];
    const dispatch = batchedFanOut(fanOut, { maxBatchSize: 8, onBatch: (size) => sizes.push(size) });
    const provider = uniqueProvider('acme');
    const integration = await fx.insertIntegration({ provider, url: 'https://example.com/hooks', eventTypes: ['*'] });
    const good = [await fx.insertEvent({ provider, type: 'order.created' }), await fx.insertEvent({ provider, type: 'order.created' })];
    // The message schema's uuid format admits the URN form; PostgreSQL's uuid type does not (22P02).
    const refused = `urn:uuid:${randomUUID()}`;
    const context = { correlationId: 'corr-batch-fault', logger: silentLogger() };

    const results = await Promise.allSettled([good[0]!, refused, good[1]!].map((eventId) =>
      dispatch({ message: { kind: 'event', eventId, provider, type: 'order.created' }, context })));

    expect(sizes[0]).toBe(3);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[0]).toEqual({ status: 'fulfilled', value: { outcome: 'dispatched', jobCount: 1, published: 1, firstAttempts: expect.any(Promise) } });
    for (const eventId of good) {
      expect((await jobsOf(fx.db, eventId)).map((job) => job.integration_id)).toEqual([integration.id]);
    }
  });
});

describe('JobRepository batches', () => {
  let fx: DispatcherFixture;
  let repository: JobRepository;

  beforeAll(async () => {
    fx = await startDispatcher('dispjobbatch', {}, { deferStart: true });
    repository = new JobRepository(fx.db);
  });

  afterAll(async () => {
    await fx.close();
  });

  const newJob = async (consecutiveFailures = 0): Promise<JobMessage> => {
    const provider = uniqueProvider('acme');
    const integration = await fx.insertIntegration({ provider, url: 'https://example.com/hooks', eventTypes: ['*'], consecutiveFailures });
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });
    const [job] = await fx.db('delivery_jobs')
      .insert({ event_id: eventId, integration_id: integration.id, status: 'pending', attempt_count: 0, max_attempts: 2 })
      .returning<Array<{ id: string }>>('id');
    return { jobId: job!.id, eventId, integrationId: integration.id, attempt: 1 };
  };

  const attemptOf = (message: JobMessage, statusCode: number): AttemptRecord => ({
    jobId: message.jobId, eventId: message.eventId, integrationId: message.integrationId, orderKey: null, attemptNumber: message.attempt,
    status: statusCode < 300 ? 'success' : 'failed', statusCode, latencyMs: 12, requestUrl: 'https://example.com/hooks',
    requestHeaders: { 'webhook-id': message.eventId }, responseHeaders: { 'content-type': 'text/plain' }, responseBody: 'ok',
    errorCode: statusCode < 300 ? null : `http_${statusCode}`, errorMessage: null,
  });

  it('hands a job claimed once in a batch to the first of its messages only', async () => {
    const job = await newJob();
    const other = await newJob();

    const claims = await repository.claimMany([
      { message: job, redelivered: false },
      { message: { ...job, attempt: 2 }, redelivered: false },
      { message: job, redelivered: true },
      { message: other, redelivered: false },
    ]);

    expect(claims.map((claim) => claim?.job.id)).toEqual([job.jobId, undefined, undefined, other.jobId]);
    expect(claims[0]).toMatchObject({ job: { status: 'delivering', attemptCount: 1 }, event: { id: job.eventId }, target: { id: job.integrationId } });
  });

  it('records successes, retries and dead jobs of one batch: streaks, attempts and event statuses', async () => {
    const succeeded = await newJob(2);
    const retrying = await newJob();
    const dead = await newJob(1);
    await repository.claimMany([succeeded, retrying, dead].map((message) => ({ message, redelivered: false })));
    const nextAttemptAt = new Date(Date.now() + 60_000);
    const entries: AttemptEntry[] = [
      { attempt: attemptOf(succeeded, 200), completion: { status: 'succeeded', lastError: null, lastStatusCode: 200 }, disableReasonFor: () => null },
      {
        attempt: attemptOf(retrying, 503),
        completion: { status: 'retrying', lastError: 'http_503: busy', lastStatusCode: 503, nextAttempt: 2, delayMs: 60_000, nextAttemptAt },
        disableReasonFor: () => null,
      },
      {
        attempt: attemptOf(dead, 500),
        completion: { status: 'dead', lastError: 'attempts exhausted', lastStatusCode: 500, goneReason: null },
        disableReasonFor: (streak) => (streak >= 2 ? `${streak} jobs failed in a row` : null),
      },
      // A second entry of a job in the same batch finds it no longer ours.
      { attempt: attemptOf(succeeded, 200), completion: { status: 'succeeded', lastError: null, lastStatusCode: 200 }, disableReasonFor: () => null },
    ];

    const outcomes = await repository.recordMany(entries);

    expect(outcomes).toEqual([
      { recorded: true, disabledReason: null, released: [] },
      { recorded: true, disabledReason: null, released: [] },
      { recorded: true, disabledReason: '2 jobs failed in a row', released: [] },
      { recorded: false },
    ]);
    expect(await consecutiveFailures(fx.db, succeeded.integrationId)).toBe(0);
    expect(await consecutiveFailures(fx.db, dead.integrationId)).toBe(2);
    const disabled = await fx.db('integrations').where({ id: dead.integrationId }).first<{ state: string }>('state');
    expect(disabled.state).toBe('disabled');
    const [retryJob] = await jobsOf(fx.db, retrying.eventId);
    expect(retryJob).toMatchObject({ status: 'retrying', last_error: 'http_503: busy', last_status_code: 503, completed_at: null });
    expect(await attemptsOf(fx.db, succeeded.eventId)).toEqual([expect.objectContaining({
      attempt_number: 1, status: 'success', status_code: 200, request_headers: { 'webhook-id': succeeded.eventId },
      response_headers: { 'content-type': 'text/plain' }, response_body: 'ok',
    })]);
    expect(await attemptsOf(fx.db, dead.eventId)).toHaveLength(1);
    expect([await eventStatus(fx.db, succeeded.eventId), await eventStatus(fx.db, retrying.eventId), await eventStatus(fx.db, dead.eventId)])
      .toEqual(['processed', 'retrying', 'failed']);
  });

  it('records the live attempt of a job even when a stale attempt of the same job comes first in the batch', async () => {
    const job = await newJob();
    // The job has moved on to attempt 2 while the result of attempt 1 (its consumer gone) still arrives.
    await fx.db('delivery_jobs').where({ id: job.jobId }).update({ status: 'delivering', attempt_count: 2 });
    const succeeded = { status: 'succeeded' as const, lastError: null, lastStatusCode: 200 };

    const outcomes = await repository.recordMany([
      { attempt: attemptOf(job, 200), completion: succeeded, disableReasonFor: () => null },
      { attempt: attemptOf({ ...job, attempt: 2 }, 200), completion: succeeded, disableReasonFor: () => null },
    ]);

    expect(outcomes).toEqual([{ recorded: false }, { recorded: true, disabledReason: null, released: [] }]);
    const [stored] = await jobsOf(fx.db, job.eventId);
    expect(stored).toMatchObject({ status: 'succeeded', attempt_count: 2 });
    expect((await attemptsOf(fx.db, job.eventId)).map((attempt) => attempt.attempt_number)).toEqual([2]);
    expect(await eventStatus(fx.db, job.eventId)).toBe('processed');
  });
});
