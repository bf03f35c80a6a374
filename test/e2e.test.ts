// The whole path, all four services in-process on the real PostgreSQL and RabbitMQ: a signed acme
// webhook in, delivered and verified by a receiver with the standardwebhooks package, visible through
// the management API, replayed, and every fact in an intact audit chain.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import type { Config } from '@hookway/config';
import { generateSigningSecret, hmacSha256Hex, SecretBox } from '@hookway/signing';
import {
  createTestBroker, createTestDatabase, silentLogger, startReceiver, testConfig, waitFor,
  type Receiver, type TestBroker, type TestDatabase,
  seedIntegration,
} from '@hookway/testing';
import { start as startAudit } from '../services/audit/src/main.js';
import { start as startDispatcher } from '../services/dispatcher/src/main.js';
import { start as startIngress } from '../services/ingress/src/main.js';
import { start as startManagement } from '../services/management/src/main.js';

interface Running {
  stop(): Promise<void>;
  port?: number;
  opsPort?: number;
}

interface Envelope<T> {
  success: boolean;
  data: T;
  meta: Record<string, unknown>;
}

interface EventDetail {
  id: string;
  status: string;
  type: string;
  subject: string | null;
  snapshot: { headers: Record<string, string>; body: string };
  jobs: { id: string; status: string; replayRequestId: string | null }[];
  attempts: { status: string; statusCode: number | null; attemptNumber: number; requestHeaders: Record<string, string> }[];
}

interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  correlationId: string | null;
}

describe('Hookway end to end', () => {
  let database: TestDatabase;
  let fixture: TestBroker;
  let receiver: Receiver;
  let config: Config;
  let services: Running[] = [];
  let ingress: string;
  let management: string;
  const secret = generateSigningSecret();
  const key = { 'x-internal-api-key': 'dev-management-key' };

  beforeAll(async () => {
    database = await createTestDatabase('e2e');
    fixture = await createTestBroker('e2e', [50, 100]);
    config = testConfig({ databaseUrl: database.url, brokerPrefix: fixture.prefix });
    receiver = await startReceiver();
    await seedIntegration(database.db, {
      name: 'e2e orders',
      url: `${receiver.url}/hooks`,
      eventTypes: ['order.*'],
      headers: { 'x-tenant': 'e2e' },
      secretSealed: new SecretBox(config.secretEncryptionKey).seal(secret),
    });
    const audit = await startAudit(config, silentLogger('audit'));
    const dispatcher = await startDispatcher(config, silentLogger('dispatcher'));
    const ingressService = await startIngress(config, silentLogger('ingress'));
    const managementService = await startManagement(config, silentLogger('management'));
    services = [managementService, ingressService, dispatcher, audit];
    ingress = `http://127.0.0.1:${ingressService.port ?? 0}`;
    management = `http://127.0.0.1:${managementService.port ?? 0}`;
  });

  afterAll(async () => {
    for (const service of services) await service.stop();
    await receiver?.close();
    await fixture?.cleanup();
    await database?.drop();
  });

  it('delivers a signed acme webhook, shows it to operators, replays it, and audits every step', async () => {
    const body = JSON.stringify({
      eventId: 'evt_e2e_1',
      eventType: 'order.created',
      occurredAt: '2026-11-22T12:00:00.000Z',
      subject: 'order/42',
      data: { orderId: '42', total: 1999 },
    });
    const accepted = await request(ingress)
      .post('/api/v1/webhooks/acme')
      .set('content-type', 'application/json')
      .set('x-request-id', 'e2e-request-1')
      .set('x-acme-signature', `sha256=${hmacSha256Hex(config.acmeWebhookSecret, body)}`)
      .send(body);
    expect(accepted.status).toBe(202);
    const { eventId } = (accepted.body as Envelope<{ eventId: string; duplicate: boolean }>).data;
    expect((accepted.body as Envelope<{ duplicate: boolean }>).data.duplicate).toBe(false);

    // Delivered once, signed so that a stock Standard Webhooks verifier accepts it.
    await waitFor(() => receiver.requests.length === 1, { what: 'the delivery' });
    const delivered = receiver.requests[0]!;
    const verified = new Webhook(secret).verify(delivered.body, delivered.headers as Record<string, string>);
    expect(verified).toEqual({
      id: eventId, type: 'order.created', provider: 'acme', occurredAt: '2026-11-22T12:00:00.000Z',
      subject: 'order/42', data: { orderId: '42', total: 1999 },
    });
    expect(delivered.headers['webhook-id']).toBe(eventId);
    expect(delivered.headers['x-tenant']).toBe('e2e');

    // The provider retries the same webhook: 200, same id, nothing delivered again.
    const duplicate = await request(ingress)
      .post('/api/v1/webhooks/acme')
      .set('x-acme-signature', `sha256=${hmacSha256Hex(config.acmeWebhookSecret, body)}`)
      .set('content-type', 'application/json')
      .send(body);
    expect(duplicate.status).toBe(200);
    expect((duplicate.body as Envelope<{ eventId: string; duplicate: boolean }>).data).toMatchObject({ eventId, duplicate: true });

    // Operators see the event processed, with its raw snapshot, its job and the attempt.
    const detail = await waitFor(async () => {
      const response = await request(management).get(`/api/v1/events/${eventId}`).set(key);
      const event = (response.body as Envelope<EventDetail>).data;
      return event.status === 'processed' ? event : undefined;
    }, { what: 'the event to be processed' });
    expect(detail.snapshot.body).toBe(body);
    expect(detail.jobs).toHaveLength(1);
    expect(detail.jobs[0]!.status).toBe('succeeded');
    expect(detail.attempts).toEqual([expect.objectContaining({ status: 'success', statusCode: 200, attemptNumber: 1 })]);
    expect(detail.attempts[0]!.requestHeaders['webhook-signature']).toBe(delivered.headers['webhook-signature']);

    const deliveries = await request(management).get('/api/v1/deliveries').query({ eventId }).set(key);
    expect(deliveries.status).toBe(200);
    expect((deliveries.body as Envelope<unknown[]>).data).toHaveLength(1);

    // Replay: persisted, queued, delivered again as a fresh job with the same webhook-id.
    const replay = await request(management)
      .post(`/api/v1/events/${eventId}/replay`)
      .set(key)
      .send({ requestedBy: 'e2e-operator', reason: 'receiver lost its copy' });
    expect(replay.status).toBe(202);
    const { replayRequestId } = (replay.body as Envelope<{ replayRequestId: string; eventId: string }>).data;
    await waitFor(() => receiver.requests.length === 2, { what: 'the replayed delivery' });
    expect(receiver.requests[1]!.headers['webhook-id']).toBe(eventId);
    const afterReplay = await waitFor(async () => {
      const response = await request(management).get(`/api/v1/events/${eventId}`).set(key);
      const event = (response.body as Envelope<EventDetail>).data;
      return event.jobs.length === 2 && event.jobs.every((job) => job.status === 'succeeded') ? event : undefined;
    }, { what: 'the replay job to succeed' });
    expect(afterReplay.jobs.map((job) => job.replayRequestId)).toContain(replayRequestId);

    // Every step is in the audit log, and the chain verifies.
    const actions = await waitFor(async () => {
      const response = await request(management).get('/api/v1/audit-entries').query({ pageSize: 100 }).set(key);
      const entries = (response.body as Envelope<AuditEntry[]>).data;
      const seen = entries.map((entry) => `${entry.entityType}.${entry.action}`);
      const wanted = ['event.received', 'event.duplicate', 'job.delivered', 'replay.requested', 'replay.dispatched'];
      return wanted.every((action) => seen.includes(action)) && seen.filter((a) => a === 'job.delivered').length === 2 ? entries : undefined;
    }, { what: 'the audit entries' });
    const received = actions.find((entry) => entry.action === 'received' && entry.entityType === 'event')!;
    expect(received.entityId).toBe(eventId);
    expect(received.correlationId).toBe('e2e-request-1');

    // Every service reports what happened on its ops port, and is ready.
    const [, ingressOps, dispatcherOps, auditOps] = services.map((service) => `http://127.0.0.1:${service.opsPort ?? 0}`) as [string, string, string, string];
    const dispatcherMetrics = (await request(dispatcherOps).get('/metrics')).text;
    expect(dispatcherMetrics).toContain('hookway_delivery_attempts_total{outcome="success",job_status="succeeded",service="dispatcher"} 2');
    expect(dispatcherMetrics).toMatch(/hookway_delivery_latency_seconds_count\{service="dispatcher",outcome="success"\} 2/);
    expect(dispatcherMetrics).toMatch(/hookway_queue_depth\{queue="jobs",service="dispatcher"\} 0/);
    expect((await request(ingressOps).get('/metrics')).text).toContain('hookway_webhooks_total{provider="acme",outcome="accepted",service="ingress"} 1');
    for (const ops of [ingressOps, dispatcherOps, auditOps]) expect((await request(ops).get('/ready')).status).toBe(200);

    const verify = await request(management).get('/api/v1/audit-entries/verify').set(key);
    expect((verify.body as Envelope<{ valid: boolean; checked: number; firstInvalidId: number | null }>).data).toEqual({
      valid: true, checked: actions.length, firstInvalidId: null,
    });
  });
  it('publishes a workspace\'s own event through its key, delivers it only to that workspace\'s subscriber, signed', async () => {
    const created = await request(management).post('/api/v1/workspaces').set(key).send({ slug: 'e2e-team', name: 'E2E team' });
    expect(created.status).toBe(201);
    const workspaceId = (created.body as Envelope<{ id: string }>).data.id;
    const issued = await request(management).post(`/api/v1/workspaces/${workspaceId}/api-keys`).set(key)
      .send({ name: 'billing-app', scopes: ['events:publish', 'webhooks:read', 'webhooks:write'] });
    expect(issued.status).toBe(201);
    const teamKey = { authorization: `Bearer ${(issued.body as Envelope<{ key: string }>).data.key}` };

    // The team subscribes with its own key; the default workspace has a subscriber to provider api too.
    const subscribed = await request(management).post('/api/v1/integrations').set(teamKey)
      .send({ name: 'team invoices', provider: 'api', url: `${receiver.url}/team`, eventTypes: ['invoice.*'] });
    expect(subscribed.status).toBe(201);
    const integration = (subscribed.body as Envelope<{ workspaceId: string; secret: string }>).data;
    expect(integration.workspaceId).toBe(workspaceId);
    const elsewhere = await request(management).post('/api/v1/integrations').set(key)
      .send({ name: 'default api', provider: 'api', url: `${receiver.url}/default-workspace`, eventTypes: ['*'] });
    expect(elsewhere.status).toBe(201);

    const event = { type: 'invoice.paid', subject: 'invoice/7', data: { amount: 500 } };
    const published = await request(ingress).post('/api/v1/events').set(teamKey).set('idempotency-key', 'invoice-7-paid').send(event);
    expect(published.status).toBe(202);
    const { id: eventId } = (published.body as Envelope<{ id: string }>).data;
    const again = await request(ingress).post('/api/v1/events').set(teamKey).set('idempotency-key', 'invoice-7-paid').send(event);
    expect([again.status, again.text]).toEqual([202, published.text]);

    const delivered = await waitFor(() => receiver.requests.find((arrival) => arrival.path === '/team'), { what: 'the published event delivered' });
    const verified = new Webhook(integration.secret).verify(delivered.body, {
      'webhook-id': String(delivered.headers['webhook-id']),
      'webhook-timestamp': String(delivered.headers['webhook-timestamp']),
      'webhook-signature': String(delivered.headers['webhook-signature']),
    });
    expect(verified).toMatchObject({ id: eventId, provider: 'api', ...event });
    // Processed means every job it got has ended: none went to the default workspace's subscriber.
    await waitFor(async () => {
      const shown = await request(management).get(`/api/v1/events/${eventId}`).set(teamKey);
      return (shown.body as Envelope<EventDetail>).data.status === 'processed' ? true : undefined;
    }, { what: 'the published event processed' });
    expect(receiver.requests.filter((arrival) => arrival.path === '/team')).toHaveLength(1);
    expect(receiver.requests.filter((arrival) => arrival.path === '/default-workspace')).toHaveLength(0);
    // The operator sees it; the default workspace's view of it would be another workspace's row.
    expect((await request(management).get(`/api/v1/events/${eventId}`).set(key)).status).toBe(200);
  });
});
