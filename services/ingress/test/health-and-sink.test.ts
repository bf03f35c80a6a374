import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { silentLogger } from '@hookway/testing';
import { start } from '../src/main.js';
import { errorOf, startHarness, type Harness } from './support.js';

describe('health and the development delivery sink', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness('ingresshealth');
  });

  afterAll(async () => {
    await harness.stop();
  });

  it('when PostgreSQL and RabbitMQ answer, health returns 200 ok with each check up', async () => {
    const response = await request(harness.url).get('/api/v1/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      success: true,
      data: { status: 'ok', checks: { postgres: { status: 'up' }, rabbitmq: { status: 'up' } } },
      meta: {},
    });
  });

  it('when a delivery has no failure flag, the sink answers 200 received', async () => {
    const response = await request(harness.url)
      .post('/api/v1/internal/delivery-sink/acme')
      .send({ id: crypto.randomUUID(), type: 'order.created', data: { simulateFailure: false } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ success: true, data: { received: true }, meta: {} });
  });

  it('when the payload asks for a failure, the sink answers 500', async () => {
    const response = await request(harness.url).post('/api/v1/internal/delivery-sink/acme').send({ simulateFailure: true });
    expect(response.status).toBe(500);
    expect(response.body).toMatchObject({ success: false, error: { code: 'SIMULATED_FAILURE' } });
  });

  it('when the nested data asks for a failure, the sink answers 500', async () => {
    const response = await request(harness.url)
      .post('/api/v1/internal/delivery-sink/globex')
      .send({ id: crypto.randomUUID(), type: 'invoice.paid', data: { simulateFailure: true } });
    expect(response.status).toBe(500);
  });

  it('when the sink receives malformed JSON, answers 400 rather than 500', async () => {
    const response = await request(harness.url)
      .post('/api/v1/internal/delivery-sink/acme')
      .set('content-type', 'application/json')
      .send('{"simulateFailure": tru');
    expect(response.status).toBe(400);
    expect(errorOf(response).code).toBe('INVALID_PAYLOAD');
  });

  it('when NODE_ENV is production, the sink is not mounted and answers 404', async () => {
    const production = await start({ ...harness.config, nodeEnv: 'production' }, silentLogger('ingress'));
    try {
      const response = await request(`http://127.0.0.1:${production.port}`)
        .post('/api/v1/internal/delivery-sink/acme')
        .send({ simulateFailure: true });
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    } finally {
      await production.stop();
    }
  });
});
