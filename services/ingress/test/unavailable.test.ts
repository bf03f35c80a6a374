import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { generateApiKey } from '@hookway/signing';
import { createTestBroker, silentLogger, testConfig, type TestBroker } from '@hookway/testing';
import { start } from '../src/main.js';
import { acmeBody, acmeSignature, dataOf, RETRY_SCHEDULE_MS } from './support.js';

// Nothing listens on port 1: every connection attempt is refused at once.
const UNREACHABLE_DATABASE_URL = 'postgres://postgres@127.0.0.1:1/hookway';

describe('ingress when PostgreSQL is unreachable', () => {
  let broker: TestBroker;
  let service: { stop(): Promise<void>; port: number };
  let url: string;
  const config = () => testConfig({ databaseUrl: UNREACHABLE_DATABASE_URL, brokerPrefix: broker.prefix });

  beforeAll(async () => {
    broker = await createTestBroker('ingressunavailable', RETRY_SCHEDULE_MS);
    service = await start(config(), silentLogger('ingress'));
    url = `http://127.0.0.1:${service.port}`;
  });

  afterAll(async () => {
    await service.stop();
    await broker.cleanup();
  });

  it('when a valid webhook cannot be made durable, returns 503 UNAVAILABLE with Retry-After and publishes nothing', async () => {
    const text = JSON.stringify(acmeBody());
    const response = await request(url)
      .post('/api/v1/webhooks/acme')
      .set('content-type', 'application/json')
      .set('x-acme-signature', acmeSignature(config(), text))
      .send(text);

    expect(response.status).toBe(503);
    expect(response.body).toEqual({
      success: false,
      error: { code: 'UNAVAILABLE', message: expect.any(String), details: {} },
    });
    expect(response.headers['retry-after']).toBe('5');
    expect(await broker.depth(broker.topology.queues.events)).toBe(0);
  });

  it('when a published event cannot be made durable (nor its key checked), returns 503 UNAVAILABLE with Retry-After', async () => {
    const response = await request(url)
      .post('/api/v1/events')
      .set('authorization', `Bearer ${generateApiKey().key}`)
      .send({ type: 'invoice.paid', data: {} });

    expect(response.status).toBe(503);
    expect(response.body).toEqual({ success: false, error: { code: 'UNAVAILABLE', message: expect.any(String), details: {} } });
    expect(response.headers['retry-after']).toBe('5');
    expect(await broker.depth(broker.topology.queues.events)).toBe(0);
  });

  it('when the database is down, health answers 503 degraded and names postgres as down', async () => {
    const response = await request(url).get('/api/v1/health');
    expect(response.status).toBe(503);
    expect(dataOf(response)).toEqual({
      status: 'degraded',
      checks: { postgres: { status: 'down' }, rabbitmq: { status: 'up' } },
    });
  });

  it('still rejects bad credentials with 401 rather than 503 (nothing is stored before authentication)', async () => {
    const response = await request(url).post('/api/v1/webhooks/acme').send(JSON.stringify(acmeBody()));
    expect(response.status).toBe(401);
  });
});
