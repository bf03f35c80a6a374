import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { generateSigningSecret } from '@hookway/signing';
import { startReceiver, waitFor, type Receiver } from '@hookway/testing';
import {
  attemptsOf, consecutiveFailures, jobsOf, startDispatcher, uniqueProvider, waitForEventStatus, type DispatcherFixture,
} from './dispatcher-fixture.js';

describe('dispatcher delivery', () => {
  let fx: DispatcherFixture;
  const receivers: Receiver[] = [];
  const receiver = async (): Promise<Receiver> => {
    const started = await startReceiver();
    receivers.push(started);
    return started;
  };

  beforeAll(async () => {
    fx = await startDispatcher('dispdelivery', { DELIVERY_TIMEOUT: '300ms' });
  });

  afterAll(async () => {
    await fx.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  /** An integration and an event routed to it, fanned out; resolves when the event settled. */
  const deliverOne = async (url: string, extra: { consecutiveFailures?: number } = {}) => {
    const provider = uniqueProvider('acme');
    const integration = await fx.insertIntegration({ provider, url, eventTypes: ['order.created'], ...extra });
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });
    await fx.publishEvent({ kind: 'event', eventId, provider, type: 'order.created' });
    const status = await waitForEventStatus(fx.db, eventId, 'processed', 'failed');
    return { integration, eventId, status };
  };

  it('when the receiver keeps answering 500, tries 1 + schedule times, ends the job dead and the event failed, and keeps each answer', async () => {
    const sink = await receiver();
    sink.reply(() => ({ status: 500, body: `${'x'.repeat(4_000)}${'y'.repeat(1_000)}`, headers: { 'x-request-id': 'req-77' } }));

    const { integration, eventId, status } = await deliverOne(`${sink.url}/fail`, { consecutiveFailures: 2 });

    expect(status).toBe('failed');
    const attempts = await attemptsOf(fx.db, eventId);
    expect(attempts.map((attempt) => attempt.attempt_number)).toEqual([1, 2, 3]);
    const [attempt] = attempts;
    expect(attempt).toMatchObject({ attempt_number: 1, status: 'failed', status_code: 500, error_code: 'HTTP_500', request_url: `${sink.url}/fail` });
    expect(attempt!.response_body).toHaveLength(4_096);
    expect(attempt!.response_body).toBe(`${'x'.repeat(4_000)}${'y'.repeat(96)}`);
    expect(attempt!.response_headers).toMatchObject({ 'x-request-id': 'req-77' });
    expect(attempt!.request_headers).toMatchObject({ 'webhook-id': eventId, 'content-type': 'application/json' });
    expect(attempt!.request_headers['webhook-signature']).toBe(sink.requests[0]!.headers['webhook-signature']);
    expect(attempt!.latency_ms).toBeGreaterThanOrEqual(0);

    const [job] = await jobsOf(fx.db, eventId);
    expect(job).toMatchObject({ status: 'dead', attempt_count: 3, max_attempts: 3, last_status_code: 500 });
    expect(job!.last_error).toBe('attempts exhausted (3 of 3); last error HTTP_500: endpoint answered 500');
    expect(job!.completed_at).toBeInstanceOf(Date);
    // One failed job, however many attempts it took.
    expect(await consecutiveFailures(fx.db, integration.id)).toBe(3);
    const fact = await fx.waitForAudit(`job.dead_lettered:${job!.id}:3`);
    expect(fact.details).toMatchObject({ eventId, integrationId: integration.id, attempt: 3, statusCode: 500, errorCode: 'HTTP_500' });
  });

  it('treats a 302 as a retryable failure and never follows the redirect', async () => {
    const sink = await receiver();
    sink.reply((request) => (request.path === '/moved' ? { status: 302, headers: { location: `${sink.url}/elsewhere` } } : { status: 200 }));
    const handledBefore = await fx.handledJobMessages();

    const { eventId, status } = await deliverOne(`${sink.url}/moved`);

    expect(status).toBe('failed');
    // The three attempts' messages dealt with: any further request would have been made by now.
    await waitFor(async () => (await fx.handledJobMessages()) - handledBefore >= 3, { what: 'the three attempts to be handled' });
    expect(sink.requests.map((request) => request.path)).toEqual(['/moved', '/moved', '/moved']);
    const [attempt] = await attemptsOf(fx.db, eventId);
    expect(attempt).toMatchObject({ status: 'failed', status_code: 302, error_code: 'REDIRECT_NOT_FOLLOWED' });
  });

  it('records a receiver slower than the delivery timeout as TIMEOUT and retries it', async () => {
    const sink = await receiver();
    sink.reply(() => ({ status: 200, delayMs: 1_500 }));

    const { eventId, status } = await deliverOne(sink.url);

    expect(status).toBe('failed');
    const [attempt, ...retries] = await attemptsOf(fx.db, eventId);
    expect(retries).toHaveLength(2);
    expect(attempt).toMatchObject({ status: 'failed', status_code: null, error_code: 'TIMEOUT', response_body: null });
    expect(attempt!.latency_ms).toBeGreaterThanOrEqual(250);
    expect(attempt!.latency_ms).toBeLessThan(1_500);
  });

  it('records a refused connection as CONNECTION_REFUSED and retries it', async () => {
    const closed = await startReceiver();
    await closed.close();

    const { eventId, status } = await deliverOne(closed.url);

    expect(status).toBe('failed');
    const attempts = await attemptsOf(fx.db, eventId);
    expect(attempts.map((attempt) => attempt.error_code)).toEqual(['CONNECTION_REFUSED', 'CONNECTION_REFUSED', 'CONNECTION_REFUSED']);
  });

  it('when the same job message is published twice at once, delivers exactly once, and a later copy republishes the audit fact', async () => {
    const sink = await receiver();
    sink.reply(() => ({ status: 200, body: 'ok', delayMs: 150 }));
    const provider = uniqueProvider('acme');
    const integration = await fx.insertIntegration({ provider, url: sink.url, eventTypes: ['order.created'] });
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });
    const [job] = await fx.db('delivery_jobs')
      .insert({ event_id: eventId, integration_id: integration.id, status: 'pending', attempt_count: 0, max_attempts: 3 })
      .returning<Array<{ id: string }>>('id');
    const message = { jobId: job!.id, eventId, integrationId: integration.id, attempt: 1 };

    const handledBefore = await fx.handledJobMessages();
    await Promise.all([fx.publishJob(message), fx.publishJob(message)]);

    await waitFor(async () => (await jobsOf(fx.db, eventId))[0]?.status === 'succeeded', { what: 'the job to succeed' });
    await fx.waitForAudit(`job.delivered:${job!.id}`);
    await waitFor(async () => (await fx.handledJobMessages()) - handledBefore >= 2, { what: 'both copies to be handled' });
    expect(sink.requests).toHaveLength(1);
    expect(await attemptsOf(fx.db, eventId)).toHaveLength(1);

    // The process might have died between committing the outcome and publishing the fact.
    await fx.publishJob(message);
    const fact = await fx.waitForAudit(`job.delivered:${job!.id}`, 2);
    expect(fact.details).toMatchObject({ eventId, attempt: 1, statusCode: 200 });
    expect(sink.requests).toHaveLength(1);
  });

  it('parks a job whose integration was paused after fan-out, without calling the endpoint or counting an attempt', async () => {
    const sink = await receiver();
    const provider = uniqueProvider('acme');
    const integration = await fx.insertIntegration({ provider, url: sink.url, eventTypes: ['*'], state: 'paused' });
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });
    const [job] = await fx.db('delivery_jobs')
      .insert({ event_id: eventId, integration_id: integration.id, status: 'pending', attempt_count: 0, max_attempts: 3 })
      .returning<Array<{ id: string }>>('id');

    await fx.publishJob({ jobId: job!.id, eventId, integrationId: integration.id, attempt: 1 });

    await waitFor(async () => (await jobsOf(fx.db, eventId))[0]?.status === 'parked', { what: 'the job to be parked' });
    const [parked] = await jobsOf(fx.db, eventId);
    expect(parked!.attempt_count).toBe(0);
    expect(sink.requests).toHaveLength(0);
    expect(await attemptsOf(fx.db, eventId)).toHaveLength(0);
    expect(await waitForEventStatus(fx.db, eventId, 'processing')).toBe('processing');
  });

  it('signs with both secrets during a rotation grace window, and with the current one only after it', async () => {
    const sink = await receiver();
    const provider = uniqueProvider('acme');
    const previous = generateSigningSecret();
    const expired = generateSigningSecret();
    const inGrace = await fx.insertIntegration({
      provider, url: `${sink.url}/grace`, eventTypes: ['*'], previousSecret: { secret: previous, expiresAt: new Date(Date.now() + 3_600_000) },
    });
    const afterGrace = await fx.insertIntegration({
      provider, url: `${sink.url}/after`, eventTypes: ['*'], previousSecret: { secret: expired, expiresAt: new Date(Date.now() - 1_000) },
    });
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });

    await fx.publishEvent({ kind: 'event', eventId, provider, type: 'order.created' });

    expect(await waitForEventStatus(fx.db, eventId, 'processed', 'failed')).toBe('processed');
    const byPath = (path: string) => sink.requests.find((request) => request.path === path)!;
    const headersOf = (path: string) => {
      const { headers } = byPath(path);
      return {
        'webhook-id': String(headers['webhook-id']),
        'webhook-timestamp': String(headers['webhook-timestamp']),
        'webhook-signature': String(headers['webhook-signature']),
      };
    };
    expect(headersOf('/grace')['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(inGrace.secret).verify(byPath('/grace').body, headersOf('/grace'))).not.toThrow();
    expect(() => new Webhook(previous).verify(byPath('/grace').body, headersOf('/grace'))).not.toThrow();
    expect(headersOf('/after')['webhook-signature'].split(' ')).toHaveLength(1);
    expect(() => new Webhook(afterGrace.secret).verify(byPath('/after').body, headersOf('/after'))).not.toThrow();
    expect(() => new Webhook(expired).verify(byPath('/after').body, headersOf('/after'))).toThrow();
  });
});
