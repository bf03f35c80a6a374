import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { silentLogger, startReceiver, waitFor, type Receiver } from '@hookway/testing';
import { StrandedJobRepository } from '../src/data-access/stranded-job.repository.js';
import { BrokerDispatchPublisher } from '../src/outbound/dispatch-publisher.js';
import { JobSweeper } from '../src/domain/job-sweeper.js';
import { jobsOf, startDispatcher, uniqueProvider, waitForEventStatus, type DispatcherFixture } from './dispatcher-fixture.js';

const LEASE_MS = 1_000;

describe('the stranded-job sweeper', () => {
  let fx: DispatcherFixture;
  let sink: Receiver;

  beforeAll(async () => {
    // A lease and a sweep interval short enough for a test; the lease stays longer than the delivery timeout.
    fx = await startDispatcher('sweeper', { DELIVERY_TIMEOUT: '500ms', JOB_LEASE: `${LEASE_MS}ms`, SWEEP_INTERVAL: '100ms' });
    sink = await startReceiver();
  });

  afterAll(async () => {
    await fx.close();
    await sink.close();
  });

  /** A job as a lost message leaves it: in `status` with `attemptCount` attempts, untouched for twice the lease, no message anywhere. */
  const strandedJob = async (status: 'pending' | 'delivering' | 'retrying', attemptCount: number, sweeps = 0) => {
    const provider = uniqueProvider('acme');
    const integration = await fx.insertIntegration({ provider, url: `${sink.url}/${status}`, eventTypes: ['*'] });
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });
    const past = new Date(Date.now() - 2 * LEASE_MS);
    const [job] = await fx.db('delivery_jobs').insert({
      event_id: eventId, integration_id: integration.id, status, attempt_count: attemptCount, max_attempts: 3, sweeps,
      updated_at: past, next_attempt_at: status === 'retrying' ? past : null,
    }).returning<Array<{ id: string }>>('id');
    await fx.db('events').where({ id: eventId }).update({ status: status === 'retrying' ? 'retrying' : 'processing' });
    return { jobId: job!.id, eventId, integrationId: integration.id };
  };

  it('sends a job left delivering by a lost message out again for the same attempt, audited, and it is delivered', async () => {
    const { jobId, eventId } = await strandedJob('delivering', 1);

    expect(await waitForEventStatus(fx.db, eventId, 'processed', 'failed')).toBe('processed');
    const [job] = await jobsOf(fx.db, eventId);
    expect(job).toMatchObject({ status: 'succeeded', attempt_count: 1 });
    const fact = await fx.waitForAudit(`job.swept:${jobId}:1`);
    expect(fact.details).toMatchObject({ foundStatus: 'delivering', attempt: 1, sweeps: 1 });
    expect(sink.requests.filter((request) => request.path === '/delivering')).toHaveLength(1);
  });

  it('sends out a pending job whose first message never went out, and a retrying one long past its due time', async () => {
    const pending = await strandedJob('pending', 0);
    const retrying = await strandedJob('retrying', 2);

    expect(await waitForEventStatus(fx.db, pending.eventId, 'processed', 'failed')).toBe('processed');
    expect(await waitForEventStatus(fx.db, retrying.eventId, 'processed', 'failed')).toBe('processed');
    expect((await jobsOf(fx.db, retrying.eventId))[0]).toMatchObject({ status: 'succeeded', attempt_count: 3 });
    expect((await fx.waitForAudit(`job.swept:${retrying.jobId}:1`)).details).toMatchObject({ foundStatus: 'retrying', attempt: 3 });
  });

  it('settles a job whose message was lost again and again dead, with the reason, a dead letter and its audit fact', async () => {
    const { jobId, eventId } = await strandedJob('delivering', 2, 3);

    expect(await waitForEventStatus(fx.db, eventId, 'failed', 'processed')).toBe('failed');
    const [job] = await jobsOf(fx.db, eventId);
    expect(job!.status).toBe('dead');
    expect(job!.last_error).toMatch(/^STRANDED: its message was lost 4 times/);
    const fact = await fx.waitForAudit(`job.dead_lettered:${jobId}:2`);
    expect(fact.details).toMatchObject({ reason: job!.last_error });
    expect(await waitFor(async () => (await fx.deadLetters()).find((letter) => (letter as { jobId?: string }).jobId === jobId)))
      .toMatchObject({ reason: job!.last_error });
    expect(sink.requests.filter((request) => request.path === '/delivering' && request.body.includes(eventId))).toHaveLength(0);
  });
});

describe('one sweep, with no dispatcher running (no background sweeps)', () => {
  let fx: DispatcherFixture;

  beforeAll(async () => {
    fx = await startDispatcher('sweepnone', {}, { deferStart: true });
  });

  afterAll(async () => {
    await fx.close();
  });

  it('leaves open jobs within their lease, parked and finished jobs alone', async () => {
    const provider = uniqueProvider('acme');
    const integration = await fx.insertIntegration({ provider, url: 'http://127.0.0.1:9/untouched', eventTypes: ['*'] });
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });
    const past = new Date(Date.now() - 10 * LEASE_MS);
    // Within its lease: claimed just now, its consumer may well be delivering it.
    await fx.db('delivery_jobs').insert({ event_id: eventId, integration_id: integration.id, status: 'delivering', attempt_count: 1, max_attempts: 3 });
    // Untouched for long, but not open past the lease: one job per replay, so each has a dispatch key of its own.
    const replay = async (status: string, extra: Record<string, unknown> = {}) => {
      const [request] = await fx.db('replay_requests').insert({ event_id: eventId, requested_by: 'test', reason: 'sweeper test', status: 'dispatched' })
        .returning<Array<{ id: string }>>('id');
      await fx.db('delivery_jobs').insert({
        event_id: eventId, integration_id: integration.id, replay_request_id: request!.id, status, attempt_count: 1, max_attempts: 3, updated_at: past, ...extra,
      });
    };
    await replay('retrying', { next_attempt_at: new Date(Date.now() + 60_000) }); // not yet due
    await replay('parked');
    await replay('succeeded');
    await replay('dead');

    // The control: one job that is stranded, so the sweep is seen to have run.
    const [stranded] = await fx.db('replay_requests').insert({ event_id: eventId, requested_by: 'test', reason: 'control', status: 'dispatched' })
      .returning<Array<{ id: string }>>('id');
    const [control] = await fx.db('delivery_jobs').insert({
      event_id: eventId, integration_id: integration.id, replay_request_id: stranded!.id, status: 'delivering', attempt_count: 1, max_attempts: 3, updated_at: past,
    }).returning<Array<{ id: string }>>('id');

    // A rate-limited integration whose budget is reserved into the future: its jobs may be waiting in the
    // pacing queues, untouched for long, and are not stranded.
    const paced = await fx.insertIntegration({ provider, url: 'http://127.0.0.1:9/paced', eventTypes: ['*'] });
    await fx.db('integration_pacing').insert({ integration_id: paced.id, theoretical_arrival_at: new Date(Date.now() + 60_000) });
    await fx.db('delivery_jobs').insert({ event_id: eventId, integration_id: paced.id, status: 'pending', attempt_count: 0, max_attempts: 3, updated_at: past });

    // This one sweep rescues the control and nothing else.
    const sweeper = new JobSweeper({
      store: new StrandedJobRepository(fx.db), publisher: new BrokerDispatchPublisher(fx.broker), leaseMs: LEASE_MS, logger: silentLogger(),
    });
    expect(await sweeper.sweepOnce()).toEqual({ rescued: 1, settled: 0, released: 0 });
    const jobs = await jobsOf(fx.db, eventId);
    expect(jobs.filter((job) => job.id !== control!.id).map((job) => job.status).sort())
      .toEqual(['dead', 'delivering', 'parked', 'pending', 'retrying', 'succeeded']);
    expect(jobs.find((job) => job.id === control!.id)).toMatchObject({ status: 'pending', attempt_count: 0 });
  });
});
