import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { waitFor } from '@hookway/testing';
import { acmeBody, acmeSignature, startHarness, type Harness } from './support.js';

describe('ingress operations endpoint', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness('ingressops');
  });

  afterAll(async () => {
    await harness.stop();
  });

  const post = (body: string, signature: string) =>
    request(harness.url).post('/api/v1/webhooks/acme').set('content-type', 'application/json').set('x-acme-signature', signature).send(body);

  it('counts webhooks by provider and outcome, requests by route pattern, and the outbox backlog', async () => {
    const body = JSON.stringify(acmeBody({ eventId: 'evt_ops_1' }));
    expect((await post(body, acmeSignature(harness.config, body))).status).toBe(202);
    expect((await post(body, acmeSignature(harness.config, body))).status).toBe(200);
    expect((await post(body, 'sha256=00')).status).toBe(401);

    const metrics = await waitFor(async () => {
      const text = (await request(harness.opsUrl).get('/metrics')).text;
      return text.includes('hookway_outbox_backlog{service="ingress"} 0') ? text : undefined;
    }, { what: 'the outbox backlog to drain' });
    expect(metrics).toContain('hookway_webhooks_total{provider="acme",outcome="accepted",service="ingress"} 1');
    expect(metrics).toContain('hookway_webhooks_total{provider="acme",outcome="duplicate",service="ingress"} 1');
    expect(metrics).toContain('hookway_webhooks_total{provider="acme",outcome="INVALID_SIGNATURE",service="ingress"} 1');
    expect(metrics).toContain('http_requests_total{method="POST",route="/api/v1/webhooks/:provider",status="202",service="ingress"} 1');
    expect(metrics).not.toContain('evt_ops_1');
  });

  it('is live, and ready once PostgreSQL, RabbitMQ and the schema are in order', async () => {
    expect((await request(harness.opsUrl).get('/health')).status).toBe(200);
    const ready = await request(harness.opsUrl).get('/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { postgres: 'up', rabbitmq: 'up', migrations: 'up' } });
  });
});
