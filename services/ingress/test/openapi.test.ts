// The served contract: lint-clean, and every documented operation answers as documented.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { loadOpenApi } from '@hookway/http';
import { lintOpenApi, operationsOf, responseChecker } from '@hookway/testing';
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
    const calls: [string, () => request.Test][] = [
      ['GET /health', () => request(harness.url).get('/api/v1/health')],
      ['GET /openapi.json', () => request(harness.url).get('/api/v1/openapi.json')],
      ['POST /webhooks/{provider}', () => request(harness.url).post('/api/v1/webhooks/acme').set('content-type', 'application/json').set('x-acme-signature', acmeSignature(harness.config, body)).send(body)],
      ['POST /webhooks/{provider}', () => request(harness.url).post('/api/v1/webhooks/acme').set('content-type', 'application/json').set('x-acme-signature', acmeSignature(harness.config, body)).send(body)],
      ['POST /webhooks/{provider}', () => request(harness.url).post('/api/v1/webhooks/acme').set('x-acme-signature', 'sha256=00').send(body)],
      ['POST /webhooks/{provider}', () => request(harness.url).post('/api/v1/webhooks/nope').send(body)],
      ['POST /webhooks/{provider}', () => request(harness.url).post('/api/v1/webhooks/acme').set('x-acme-signature', acmeSignature(harness.config, '[]')).send('[]')],
      ['POST /internal/delivery-sink/{provider}', () => request(harness.url).post('/api/v1/internal/delivery-sink/acme').send({ a: 1 })],
      ['POST /internal/delivery-sink/{provider}', () => request(harness.url).post('/api/v1/internal/delivery-sink/acme').send({ data: { simulateFailure: true } })],
    ];
    const { statuses, problems } = await checker.walk(calls);
    expect(problems).toEqual([]);
    expect(statuses).toEqual(expect.arrayContaining(['POST /webhooks/{provider} 202', 'POST /webhooks/{provider} 200', 'POST /webhooks/{provider} 401', 'POST /webhooks/{provider} 404', 'POST /webhooks/{provider} 400']));
    // Every documented operation was walked.
    expect([...new Set(calls.map(([operation]) => operation))].sort()).toEqual(operationsOf(spec).sort());
  });
});
