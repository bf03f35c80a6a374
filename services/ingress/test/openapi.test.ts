// The served contract: lint-clean, and every documented operation answers as documented.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { loadOpenApi } from '@hookway/http';
import { lintOpenApi, operationsOf, responseChecker, seedApiKey, seedWorkspace } from '@hookway/testing';
import { acmeBody, acmeSignature, startHarness, type Harness } from './support.js';

const specPath = fileURLToPath(new URL('../../../openapi/ingress.yaml', import.meta.url));
const spec = loadOpenApi(specPath);


describe('openapi/ingress.yaml', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness('ingressoas');
  });

  afterAll(async () => {
    await harness.stop();
  });

  it('is clean under Redocly\'s recommended rules', async () => {
    expect(await lintOpenApi(specPath)).toEqual([]);
  });

  it('is what GET /api/v1/openapi.json serves', async () => {
    const served = await request(harness.url).get('/api/v1/openapi.json');
    expect(served.status).toBe(200);
    expect(served.body).toEqual(JSON.parse(JSON.stringify(spec)) as unknown);
  });

  it('describes every response each operation gives, success and error alike', async () => {
    const checker = responseChecker(spec);
    const body = JSON.stringify(acmeBody({ eventId: 'evt_oas_1' }));
    const { db } = harness.database;
    const workspaceId = await seedWorkspace(db);
    const key = (await seedApiKey(db, { workspaceId, scopes: ['events:publish', 'webhooks:read'] })).key;
    const readOnly = (await seedApiKey(db, { workspaceId, scopes: ['webhooks:read'] })).key;
    const limited = (await seedApiKey(db, { workspaceId, scopes: ['events:publish', 'webhooks:read'], rateLimit: { perSecond: 0.01, burst: 1 } })).key;
    const event = { type: 'invoice.paid', subject: 'inv_1', data: { amount: 1 } };
    const huge = { type: 'a.b', data: { blob: 'x'.repeat(harness.config.maxBodyBytes) } };
    const as = (apiKey: string, call: request.Test): request.Test => call.set('authorization', `Bearer ${apiKey}`);
    const publish = () => request(harness.url).post('/api/v1/events');
    const batch = () => request(harness.url).post('/api/v1/events/batch');
    const list = () => request(harness.url).get('/api/v1/events');
    const calls: [string, () => request.Test][] = [
      ['GET /health', () => request(harness.url).get('/api/v1/health')],
      ['GET /openapi.json', () => request(harness.url).get('/api/v1/openapi.json')],
      ['POST /webhooks/{provider}', () => request(harness.url).post('/api/v1/webhooks/acme').set('content-type', 'application/json').set('x-acme-signature', acmeSignature(harness.config, body)).send(body)],
      ['POST /webhooks/{provider}', () => request(harness.url).post('/api/v1/webhooks/acme').set('content-type', 'application/json').set('x-acme-signature', acmeSignature(harness.config, body)).send(body)],
      ['POST /webhooks/{provider}', () => request(harness.url).post('/api/v1/webhooks/acme').set('x-acme-signature', 'sha256=00').send(body)],
      ['POST /webhooks/{provider}', () => request(harness.url).post('/api/v1/webhooks/nope').send(body)],
      ['POST /webhooks/{provider}', () => request(harness.url).post('/api/v1/webhooks/acme').set('x-acme-signature', acmeSignature(harness.config, '[]')).send('[]')],
      ['POST /events', () => as(key, publish()).send(event)],
      ['POST /events', () => as(key, publish()).set('idempotency-key', 'oas-1').send(event)],
      ['POST /events', () => as(key, publish()).set('idempotency-key', 'oas-1').send(event)],
      ['POST /events', () => as(key, publish()).set('idempotency-key', 'oas-1').send({ ...event, subject: 'other' })],
      ['POST /events', () => as(key, publish()).send({ type: 'a b', data: {} })],
      ['POST /events', () => as(key, publish()).set('idempotency-key', 'k'.repeat(256)).send(event)],
      ['POST /events', () => publish().send(event)],
      ['POST /events', () => as(readOnly, publish()).send(event)],
      ['POST /events', () => as(key, publish()).send(huge)],
      ['POST /events', () => as(limited, publish()).send(event)],
      ['POST /events', () => as(limited, publish()).send(event)],
      ['POST /events/batch', () => as(key, batch()).send({ events: [event, event] })],
      ['POST /events/batch', () => as(key, batch()).set('idempotency-key', 'oas-2').send({ events: [event] })],
      ['POST /events/batch', () => as(key, batch()).set('idempotency-key', 'oas-2').send({ events: [event] })],
      ['POST /events/batch', () => as(key, batch()).set('idempotency-key', 'oas-1').send({ events: [event] })],
      ['POST /events/batch', () => as(key, batch()).send({ events: [event, { type: 'a.b' }] })],
      ['POST /events/batch', () => batch().send({ events: [event] })],
      ['POST /events/batch', () => as(readOnly, batch()).send({ events: [event] })],
      ['POST /events/batch', () => as(key, batch()).send({ events: [huge] })],
      ['POST /events/batch', () => as(limited, batch()).send({ events: [event] })],
      ['GET /events', () => as(key, list()).query({ limit: '2' })],
      ['GET /events', () => as(key, list()).query({ eventType: 'invoice.paid', subject: 'inv', status: 'pending', provider: 'api' })],
      ['GET /events', () => as(key, list()).query({ limit: '500' })],
      ['GET /events', () => as(key, list()).query({ cursor: 'bogus' })],
      ['GET /events', () => list()],
      ['GET /events', () => as(key.replace('hwk_', 'hwk_x'), list())],
      ['GET /events', () => as(limited, list())],
      ['POST /internal/delivery-sink/{provider}', () => request(harness.url).post('/api/v1/internal/delivery-sink/acme').send({ a: 1 })],
      ['POST /internal/delivery-sink/{provider}', () => request(harness.url).post('/api/v1/internal/delivery-sink/acme').send({ data: { simulateFailure: true } })],
    ];
    const { statuses, problems } = await checker.walk(calls);
    expect(problems).toEqual([]);
    expect(statuses).toEqual(expect.arrayContaining(['POST /webhooks/{provider} 202', 'POST /webhooks/{provider} 200', 'POST /webhooks/{provider} 401', 'POST /webhooks/{provider} 404', 'POST /webhooks/{provider} 400']));
    const publishStatuses = ['POST /events', 'POST /events/batch']
      .flatMap((operation) => ['202', '400', '401', '403', '409', '413', '429'].map((code) => `${operation} ${code}`));
    expect(statuses).toEqual(expect.arrayContaining(publishStatuses));
    expect(statuses).toEqual(expect.arrayContaining(['GET /events 200', 'GET /events 400', 'GET /events 401', 'GET /events 429']));
    // Every documented operation was walked.
    expect([...new Set(calls.map(([operation]) => operation))].sort()).toEqual(operationsOf(spec).sort());
  });
});
