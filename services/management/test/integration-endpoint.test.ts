import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { SecretBox, sealingKeyId } from '@hookway/signing';
import { startReceiver, type Receiver, type ReceivedRequest } from '@hookway/testing';
import {
  dataOf, errorOf, insertAttempt, insertEvent, insertJob, integrationBody, publishedFact, startManagement, type ManagementFixture,
} from './management-fixture.js';

interface Created {
  id: string;
  secret: string;
}

interface TestPing {
  success: boolean;
  statusCode: number | null;
  latencyMs: number;
  responseBody: string | null;
  errorCode: string | null;
  signature: string;
  webhookId: string;
}

/** The captured request's signature headers, as a Standard Webhooks verifier takes them. */
const signatureHeaders = (request: ReceivedRequest): Record<string, string> => ({
  'webhook-id': String(request.headers['webhook-id']),
  'webhook-timestamp': String(request.headers['webhook-timestamp']),
  'webhook-signature': String(request.headers['webhook-signature']),
});

describe('POST /integrations/:id/test and /verify', () => {
  let fx: ManagementFixture;
  let receiver: Receiver;

  beforeAll(async () => {
    fx = await startManagement('mgmt-probe');
    receiver = await startReceiver();
  });

  afterAll(async () => {
    await receiver.close();
    await fx.close();
  });

  const create = async (path: string): Promise<Created> =>
    dataOf<Created>(await fx.post('/api/v1/integrations').send(integrationBody({ url: `${receiver.url}${path}`, headers: { 'x-team': 'billing' } })));
  const lastRequestTo = (path: string): ReceivedRequest => receiver.requests.filter((request) => request.path === path).at(-1)!;

  it('sends a signed hookway.test event now, returns the attempt, records no delivery, and audits the ping', async () => {
    receiver.reply(() => ({ status: 200, body: 'pong' }));
    const integration = await create('/ping');
    const response = await fx.http.post(`/api/v1/integrations/${integration.id}/test`).set('authorization', fx.bearer('grace', 'webhooks:write'))
      .set('x-request-id', 'test-1');
    expect(response.status).toBe(200);
    const ping = dataOf<TestPing>(response);
    expect(ping).toEqual({
      success: true, statusCode: 200, latencyMs: expect.any(Number), responseBody: 'pong', errorCode: null,
      signature: expect.stringMatching(/^v1,/), webhookId: expect.any(String),
    });

    const sent = lastRequestTo('/ping');
    expect(sent.method).toBe('POST');
    expect(sent.headers['webhook-signature']).toBe(ping.signature);
    expect(sent.headers['webhook-id']).toBe(ping.webhookId);
    expect(sent.headers['x-team']).toBe('billing');
    expect(new Webhook(integration.secret).verify(sent.body, signatureHeaders(sent))).toEqual({
      id: ping.webhookId, type: 'hookway.test', provider: 'acme', occurredAt: expect.any(String), subject: null,
      data: { message: 'Test webhook from Hookway' },
    });
    expect(await fx.db('delivery_attempts').where({ integration_id: integration.id }).first()).toBeUndefined();
    expect(await fx.db('delivery_jobs').where({ integration_id: integration.id }).first()).toBeUndefined();
    expect(await publishedFact(fx, `integration.tested:${integration.id}:test-1`)).toMatchObject({
      actor: 'grace', details: { success: true, statusCode: 200, webhookId: ping.webhookId },
    });
  });

  it('when the signing secret opens under no configured key, test and verify answer 409 SECRET_UNOPENABLE and send nothing', async () => {
    const integration = await create('/unopenable');
    const oldKey = 'a-key-this-service-does-not-have';
    await fx.db('integrations').where({ id: integration.id }).update({ secret_sealed: new SecretBox(oldKey).seal(integration.secret) });
    for (const action of ['test', 'verify']) {
      const response = await fx.post(`/api/v1/integrations/${integration.id}/${action}`);
      expect(response.status).toBe(409);
      expect(errorOf(response)).toMatchObject({ code: 'SECRET_UNOPENABLE', details: { integrationId: integration.id } });
      expect(errorOf(response).message).toContain(`signing secret sealed under an unknown key ${sealingKeyId(oldKey)}`);
    }
    expect(receiver.requests.filter((request) => request.path === '/unopenable')).toHaveLength(0);
    // /ready names the count and stays ready: the other integrations still deliver.
    const ready = await fetch(`http://127.0.0.1:${fx.service.opsPort}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', integrations_unopenable: 1 });
  });

  it('when the endpoint answers 503, the ping reports failure with the status and its body', async () => {
    receiver.reply(() => ({ status: 503, body: 'maintenance' }));
    const integration = await create('/down');
    const ping = dataOf<TestPing>(await fx.post(`/api/v1/integrations/${integration.id}/test`));
    expect(ping).toMatchObject({ success: false, statusCode: 503, responseBody: 'maintenance', errorCode: 'HTTP_503' });
  });

  it('when nothing listens at the URL, the ping reports CONNECTION_REFUSED without a status', async () => {
    const integration = dataOf<Created>(await fx.post('/api/v1/integrations').send(integrationBody({ url: 'http://127.0.0.1:9/closed' })));
    const ping = dataOf<TestPing>(await fx.post(`/api/v1/integrations/${integration.id}/test`));
    expect(ping).toMatchObject({ success: false, statusCode: null, responseBody: null, errorCode: 'CONNECTION_REFUSED' });
  });

  it('after a rotation, the ping carries two signatures and a verifier with either secret accepts it', async () => {
    receiver.reply(() => ({ status: 204 }));
    const integration = await create('/rotated');
    const rotated = dataOf<Created>(await fx.post(`/api/v1/integrations/${integration.id}/rotate-secret`));
    const ping = dataOf<TestPing>(await fx.post(`/api/v1/integrations/${integration.id}/test`));
    expect(ping).toMatchObject({ success: true, statusCode: 204 });
    expect(ping.signature.split(' ')).toHaveLength(2);

    const sent = lastRequestTo('/rotated');
    expect(() => new Webhook(rotated.secret).verify(sent.body, signatureHeaders(sent))).not.toThrow();
    expect(() => new Webhook(integration.secret).verify(sent.body, signatureHeaders(sent))).not.toThrow();
    expect(() => new Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').verify(sent.body, signatureHeaders(sent))).toThrow();
  });

  it('when the endpoint echoes the signed challenge, verify passes, sets verifiedAt and audits integration.verified', async () => {
    receiver.reply((request) => {
      const { challenge } = JSON.parse(request.body) as { challenge: string };
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ challenge }) };
    });
    const integration = await create('/verify-ok');
    const response = await fx.http.post(`/api/v1/integrations/${integration.id}/verify`).set('authorization', fx.bearer('heidi', 'webhooks:write'))
      .set('x-request-id', 'verify-1');
    expect(response.status).toBe(200);
    expect(dataOf(response)).toEqual({ verified: true });

    const sent = lastRequestTo('/verify-ok');
    const payload = new Webhook(integration.secret).verify(sent.body, signatureHeaders(sent)) as { type: string; challenge: string };
    expect(payload).toEqual({ type: 'hookway.verification', challenge: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(sent.headers['x-team']).toBe('billing');
    expect(dataOf<{ verifiedAt: string | null }>(await fx.get(`/api/v1/integrations/${integration.id}`)).verifiedAt).toEqual(expect.any(String));
    expect(await publishedFact(fx, `integration.verified:${integration.id}:verify-1`)).toMatchObject({ actor: 'heidi', action: 'verified' });
  });

  it.each([
    ['answers 200 without echoing the challenge', 'challenge not echoed', { status: 200, body: JSON.stringify({ challenge: 'something else' }) }],
    ['answers 200 with text', 'response is not JSON', { status: 200, body: 'ok' }],
    ['answers 500', 'HTTP 500', { status: 500, body: JSON.stringify({ error: 'boom' }) }],
    ['answers 302 to somewhere else', 'HTTP 302', { status: 302, headers: { location: 'http://example.com/' } }],
  ])('when the endpoint %s, verify fails with "%s" and audits verification_failed', async (_case, reason, reply) => {
    receiver.reply(() => reply);
    const integration = await create(`/verify-${reason.replace(/\W/g, '-')}`);
    const requestId = `verify-${reason.replace(/\W/g, '')}`;
    const response = await fx.post(`/api/v1/integrations/${integration.id}/verify`).set('x-request-id', requestId);
    expect(dataOf(response)).toEqual({ verified: false, reason });
    expect(dataOf<{ verifiedAt: string | null }>(await fx.get(`/api/v1/integrations/${integration.id}`)).verifiedAt).toBeNull();
    expect(await publishedFact(fx, `integration.verification_failed:${integration.id}:${requestId}`)).toMatchObject({
      action: 'verification_failed', actor: 'api-key', details: { reason },
    });
  });

  it('when the endpoint answers after the delivery timeout, verify fails with TIMEOUT', async () => {
    receiver.reply((request) => ({ status: 200, body: request.body, delayMs: fx.config.deliveryTimeoutMs + 500 }));
    const integration = await create('/slow');
    const response = await fx.post(`/api/v1/integrations/${integration.id}/verify`);
    expect(dataOf(response)).toEqual({ verified: false, reason: 'TIMEOUT' });
  });
});

describe('GET /integrations/:id/stats, DELETE /integrations/:id/deliveries and GET /event-types', () => {
  let fx: ManagementFixture;
  let integrationId: string;
  let otherId: string;
  const at = (minute: number): string => new Date(Date.UTC(2026, 2, 1, 10, minute)).toISOString();

  beforeAll(async () => {
    fx = await startManagement('mgmt-stats');
    integrationId = dataOf<Created>(await fx.post('/api/v1/integrations').send(integrationBody({ name: 'measured' }))).id;
    otherId = dataOf<Created>(await fx.post('/api/v1/integrations').send(integrationBody({ name: 'other' }))).id;

    const [e1, e2, e3, e4] = await Promise.all([
      insertEvent(fx.db, { provider: 'acme', type: 'order.created', receivedAt: at(1) }),
      insertEvent(fx.db, { provider: 'acme', type: 'order.created', receivedAt: at(5) }),
      insertEvent(fx.db, { provider: 'acme', type: 'order.paid', receivedAt: at(3) }),
      insertEvent(fx.db, { provider: 'globex', type: 'invoice.paid', receivedAt: at(4) }),
    ]);
    const succeeded = await insertJob(fx.db, { eventId: e1, integrationId, status: 'succeeded', attemptCount: 2 });
    const dead = await insertJob(fx.db, { eventId: e2, integrationId, status: 'dead', attemptCount: 1 });
    const statuses = ['pending', 'delivering', 'retrying', 'parked'];
    for (const [index, status] of statuses.entries()) {
      await insertJob(fx.db, { eventId: [e3, e4, e1, e2][index]!, integrationId: otherId, status });
    }
    await insertJob(fx.db, { eventId: e3, integrationId, status: 'retrying', attemptCount: 1 });
    await insertJob(fx.db, { eventId: e4, integrationId, status: 'parked' });
    await insertAttempt(fx.db, { jobId: succeeded, eventId: e1, integrationId, attemptNumber: 1, status: 'failed', statusCode: 500, latencyMs: 300, createdAt: at(10) });
    await insertAttempt(fx.db, { jobId: succeeded, eventId: e1, integrationId, attemptNumber: 2, status: 'success', statusCode: 200, latencyMs: 100, createdAt: at(11) });
    await insertAttempt(fx.db, { jobId: dead, eventId: e2, integrationId, attemptNumber: 1, status: 'success', statusCode: 200, latencyMs: 200, createdAt: at(12) });
    const otherEvent = await insertEvent(fx.db, { provider: 'globex', type: 'invoice.paid', receivedAt: at(2) });
    const otherJob = await insertJob(fx.db, { eventId: otherEvent, integrationId: otherId, status: 'succeeded', attemptCount: 1 });
    await insertAttempt(fx.db, { jobId: otherJob, eventId: otherEvent, integrationId: otherId, attemptNumber: 1, status: 'success', latencyMs: 999, createdAt: at(13) });
    // A fourth attempt of the measured integration on another job, so the percentile interpolates.
    await insertAttempt(fx.db, { jobId: dead, eventId: e2, integrationId, attemptNumber: 2, status: 'success', statusCode: 200, latencyMs: 400, createdAt: at(9) });
  });

  afterAll(async () => {
    await fx.close();
  });

  it('computes totals, success rate, average and p95 latency, last success/failure and job counts from the attempts', async () => {
    const response = await fx.get(`/api/v1/integrations/${integrationId}/stats`);
    expect(response.status).toBe(200);
    expect(dataOf(response)).toEqual({
      totalAttempts: 4,
      successfulAttempts: 3,
      failedAttempts: 1,
      successRate: 0.75,
      averageLatencyMs: 250,
      // percentile_cont over 100, 200, 300, 400: 300 + 0.85 × 100.
      p95LatencyMs: 385,
      lastSuccessAt: at(12),
      lastFailureAt: at(10),
      pendingJobs: 2,
      deadJobs: 1,
    });
  });

  it('when an integration has no attempts, rates and latencies are null', async () => {
    const fresh = dataOf<Created>(await fx.post('/api/v1/integrations').send(integrationBody({ name: 'fresh' })));
    expect(dataOf(await fx.get(`/api/v1/integrations/${fresh.id}/stats`))).toEqual({
      totalAttempts: 0, successfulAttempts: 0, failedAttempts: 0, successRate: null, averageLatencyMs: null, p95LatencyMs: null,
      lastSuccessAt: null, lastFailureAt: null, pendingJobs: 0, deadJobs: 0,
    });
  });

  it('lists the event types seen, per provider, with counts and last receipt, filtered by provider', async () => {
    const all = await fx.get('/api/v1/event-types');
    expect(all.status).toBe(200);
    expect(dataOf(all)).toEqual([
      { provider: 'acme', eventType: 'order.created', count: 2, lastSeenAt: at(5) },
      { provider: 'acme', eventType: 'order.paid', count: 1, lastSeenAt: at(3) },
      { provider: 'globex', eventType: 'invoice.paid', count: 2, lastSeenAt: at(4) },
    ]);
    expect(dataOf(await fx.get('/api/v1/event-types?provider=globex'))).toEqual([
      { provider: 'globex', eventType: 'invoice.paid', count: 2, lastSeenAt: at(4) },
    ]);
    expect(errorOf(await fx.get('/api/v1/event-types?colour=red')).code).toBe('INVALID_QUERY');
  });

  it('purge deletes only this integration\'s attempts, keeps its jobs, returns the count and audits it', async () => {
    const jobsBefore = await fx.db('delivery_jobs').where({ integration_id: integrationId }).count<{ count: number }[]>({ count: '*' }).first();
    const response = await fx.http.delete(`/api/v1/integrations/${integrationId}/deliveries`).set('authorization', fx.bearer('ivan', 'webhooks:write'))
      .set('x-request-id', 'purge-1');
    expect(response.status).toBe(200);
    expect(dataOf(response)).toEqual({ deleted: 4 });
    expect(await fx.db('delivery_attempts').where({ integration_id: integrationId }).first()).toBeUndefined();
    expect(await fx.db('delivery_attempts').where({ integration_id: otherId }).first()).toBeDefined();
    expect(await fx.db('delivery_jobs').where({ integration_id: integrationId }).count<{ count: number }[]>({ count: '*' }).first()).toEqual(jobsBefore);
    expect(await publishedFact(fx, `integration.deliveries_purged:${integrationId}:purge-1`)).toMatchObject({ actor: 'ivan', details: { deleted: 4 } });

    expect(dataOf(await fx.delete(`/api/v1/integrations/${integrationId}/deliveries`))).toEqual({ deleted: 0 });
    expect(dataOf(await fx.get(`/api/v1/integrations/${integrationId}/stats`))).toMatchObject({ totalAttempts: 0, successRate: null });
  });
});
