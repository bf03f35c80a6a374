import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BrokerUnavailableError } from '@hookway/broker';
import { generateSigningSecret, SecretBox } from '@hookway/signing';
import { DeliveryAttemptRepository } from '../src/data-access/delivery-attempt.repository.js';
import { DeliveryJobRepository } from '../src/data-access/delivery-job.repository.js';
import { IntegrationRepository } from '../src/data-access/integration.repository.js';
import { transactional } from '../src/data-access/unit-of-work.js';
import { IntegrationService } from '../src/domain/integration.service.js';
import {
  dataOf, errorOf, insertAttempt, insertEvent, insertIntegration, insertJob, integrationBody, metaOf, publishedFact, publishedFacts,
  startManagement, type ManagementFixture, type TakenMessage,
} from './management-fixture.js';

const messageFor = (messages: TakenMessage[], jobId: string): TakenMessage | undefined =>
  messages.find((message) => (message.body as { jobId?: string }).jobId === jobId);

interface CreatedIntegration {
  id: string;
  secret: string;
  name: string;
  state: string;
  consecutiveFailures: number;
  disabledReason: string | null;
  verifiedAt: string | null;
  updatedAt: string;
  previousSecretExpiresAt?: string;
}

interface IntegrationRow {
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | null;
}

const integrationCount = async (fx: ManagementFixture): Promise<number> =>
  (await fx.db('integrations').count<{ count: number }[]>({ count: '*' }).first())?.count ?? 0;

describe('management auth on the operator routes', () => {
  let fx: ManagementFixture;

  beforeAll(async () => {
    fx = await startManagement('mgmt-auth');
  });

  afterAll(async () => {
    await fx.close();
  });

  const someId = '00000000-0000-4000-8000-000000000001';
  const routes: [string, string][] = [
    ['post', '/api/v1/integrations'], ['get', `/api/v1/integrations/${someId}`], ['patch', `/api/v1/integrations/${someId}`],
    ['delete', `/api/v1/integrations/${someId}`], ['post', `/api/v1/integrations/${someId}/pause`], ['post', `/api/v1/integrations/${someId}/resume`],
    ['post', `/api/v1/integrations/${someId}/rotate-secret`], ['post', `/api/v1/integrations/${someId}/test`],
    ['post', `/api/v1/integrations/${someId}/verify`], ['get', `/api/v1/integrations/${someId}/stats`],
    ['delete', `/api/v1/integrations/${someId}/deliveries`], ['get', '/api/v1/event-types'], ['get', `/api/v1/jobs/${someId}`],
    ['post', `/api/v1/jobs/${someId}/retry`], ['get', '/api/v1/dead-letters'], ['post', `/api/v1/dead-letters/${someId}/replay`],
    ['post', '/api/v1/dead-letters/replay'], ['get', `/api/v1/dead-letter-replays/${someId}`],
  ];
  const call = (method: string, path: string) =>
    method === 'get' ? fx.http.get(path) : method === 'post' ? fx.http.post(path) : method === 'patch' ? fx.http.patch(path) : fx.http.delete(path);

  it('when no credentials are sent, every new route answers 401 UNAUTHORIZED', async () => {
    for (const [method, path] of routes) {
      const response = await call(method, path);
      expect([method, path, response.status, errorOf(response).code]).toEqual([method, path, 401, 'UNAUTHORIZED']);
    }
  });

  it('when a JWT has only webhooks:read, every mutation answers 403 INSUFFICIENT_SCOPE and nothing is created', async () => {
    const reader = fx.bearer('reader', 'webhooks:read');
    for (const [method, path] of routes.filter(([method]) => method !== 'get')) {
      const response = await call(method, path).set('authorization', reader).send(integrationBody());
      expect([method, path, response.status, errorOf(response).code]).toEqual([method, path, 403, 'INSUFFICIENT_SCOPE']);
    }
    expect(await integrationCount(fx)).toBe(0);
    const listed = await fx.http.get('/api/v1/integrations').set('authorization', reader);
    expect(listed.status).toBe(200);
  });

  it('when the JWT is signed with another secret, answers 401 INVALID_TOKEN', async () => {
    const response = await fx.http.get('/api/v1/integrations').set('authorization', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad');
    expect([response.status, errorOf(response).code]).toEqual([401, 'INVALID_TOKEN']);
  });
});

describe('POST /integrations', () => {
  let fx: ManagementFixture;
  let box: SecretBox;

  beforeAll(async () => {
    fx = await startManagement('mgmt-create');
    box = new SecretBox(fx.config.secretEncryptionKey);
  });

  afterAll(async () => {
    await fx.close();
  });

  it('returns 201 with the secret once, stores it sealed, never shows it again, and audits the JWT subject without secrets', async () => {
    const response = await fx.http.post('/api/v1/integrations').set('authorization', fx.bearer('alice', 'webhooks:write'))
      .set('x-request-id', 'create-1')
      .send(integrationBody({ url: 'http://127.0.0.1:9/services/T0/path-credential-456', headers: { 'x-api-token': 'header-credential-123' } }));
    expect(response.status).toBe(201);
    const created = dataOf<CreatedIntegration>(response);
    expect(created).toMatchObject({
      name: 'orders to billing', provider: 'acme', url: 'http://127.0.0.1:9/services/T0/path-credential-456', eventTypes: ['order.*'],
      headers: { 'x-api-token': 'header-credential-123' }, description: 'created by a test', state: 'active', consecutiveFailures: 0,
      disabledReason: null, verifiedAt: null,
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const row = (await fx.db('integrations').where({ id: created.id }).first()) as IntegrationRow;
    expect(JSON.stringify(row)).not.toContain(created.secret);
    expect(JSON.stringify(row)).not.toContain(created.secret.slice('whsec_'.length));
    expect(box.open(row.secret_sealed)).toBe(created.secret);

    const read = await fx.get(`/api/v1/integrations/${created.id}`);
    expect(read.status).toBe(200);
    expect(dataOf(read)).not.toHaveProperty('secret');
    expect(read.text).not.toContain(created.secret);
    expect((await fx.get('/api/v1/integrations')).text).not.toContain(created.secret);

    const fact = await publishedFact(fx, `integration.created:${created.id}:create-1`);
    expect(fact).toMatchObject({
      entityType: 'integration', entityId: created.id, action: 'created', actor: 'alice', correlationId: 'create-1',
      details: { name: 'orders to billing', provider: 'acme', urlOrigin: 'http://127.0.0.1:9', headerNames: ['x-api-token'] },
    });
    expect(JSON.stringify(fact)).not.toContain(created.secret);
    expect(JSON.stringify(fact)).not.toContain('header-credential-123');
    expect(JSON.stringify(fact)).not.toContain('path-credential-456');
  });

  it.each([
    ['the provider is unknown', { provider: 'initech' }, '/provider'],
    ['eventTypes is empty', { eventTypes: [] }, '/eventTypes'],
    ['eventTypes has 51 patterns', { eventTypes: Array.from({ length: 51 }, (_, i) => `type.${i}`) }, '/eventTypes'],
    ['a pattern is blank', { eventTypes: ['order.*', ' '] }, '/eventTypes/1'],
    ['a header name is not a token', { headers: { 'bad header': 'x' } }, '/headers'],
    ['a header value has a line break', { headers: { 'x-team': 'a\r\nx-evil: 1' } }, '/headers/x-team'],
    ['a header is reserved (webhook-signature)', { headers: { 'Webhook-Signature': 'v1,forged' } }, '/headers/Webhook-Signature'],
    ['a header is reserved (content-type)', { headers: { 'content-type': 'text/plain' } }, '/headers/content-type'],
    ['the same header is given twice', { headers: { 'X-Team': 'a', 'x-team': 'b' } }, '/headers/x-team'],
    ['an unknown field is sent', { secret: 'whsec_mine' }, '/secret'],
    ['the name is missing', { name: undefined }, '/name'],
  ])('when %s, returns 400 VALIDATION_ERROR naming %s and creates nothing', async (_case, overrides, path) => {
    const before = await integrationCount(fx);
    const response = await fx.post('/api/v1/integrations').send(integrationBody(overrides));
    expect(response.status).toBe(400);
    expect(errorOf(response).code).toBe('VALIDATION_ERROR');
    expect(errorOf(response).details.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    expect(await integrationCount(fx)).toBe(before);
  });

  it('when the URL is not http(s), returns 400 INVALID_URL with the reason', async () => {
    const response = await fx.post('/api/v1/integrations').send(integrationBody({ url: 'file:///etc/passwd' }));
    expect([response.status, errorOf(response).code]).toEqual([400, 'INVALID_URL']);
    expect(errorOf(response).details.reason).toMatch(/scheme file: is not allowed/);
  });

  it('when retried with the same Idempotency-Key and body, answers the first response again (same id and secret) and keeps one row', async () => {
    const body = integrationBody({ name: 'idempotent' });
    const first = await fx.post('/api/v1/integrations').set('idempotency-key', 'key-same').send(body);
    const again = await fx.post('/api/v1/integrations').set('idempotency-key', 'key-same')
      .send({ eventTypes: ['order.*'], url: body.url, provider: 'acme', name: 'idempotent', headers: body.headers, description: body.description });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body).toEqual(first.body);
    expect(dataOf<CreatedIntegration>(again).secret).toBe(dataOf<CreatedIntegration>(first).secret);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await fx.db('integrations').where({ name: 'idempotent' }).count<{ count: number }[]>({ count: '*' }).first()).toEqual({ count: 1 });
    const stored = await fx.db('idempotency_keys').where({ key: 'key-same' }).first() as Record<string, unknown>;
    expect(JSON.stringify(stored)).not.toContain(dataOf<CreatedIntegration>(first).secret);
  });

  it('when the same Idempotency-Key comes with a different body, returns 409 IDEMPOTENCY_KEY_REUSED and creates nothing', async () => {
    await fx.post('/api/v1/integrations').set('idempotency-key', 'key-reused').send(integrationBody({ name: 'first body' }));
    const response = await fx.post('/api/v1/integrations').set('idempotency-key', 'key-reused').send(integrationBody({ name: 'second body' }));
    expect([response.status, errorOf(response).code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    expect(await fx.db('integrations').where({ name: 'second body' }).first()).toBeUndefined();
  });

  it('when five requests with one Idempotency-Key race, exactly one integration is created and all answer it', async () => {
    const responses = await Promise.all(Array.from({ length: 5 }, () =>
      fx.post('/api/v1/integrations').set('idempotency-key', 'key-race').send(integrationBody({ name: 'raced' }))));
    expect(responses.map((response) => response.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(responses.map((response) => dataOf<CreatedIntegration>(response).id)).size).toBe(1);
    expect(new Set(responses.map((response) => dataOf<CreatedIntegration>(response).secret)).size).toBe(1);
    expect(await fx.db('integrations').where({ name: 'raced' }).count<{ count: number }[]>({ count: '*' }).first()).toEqual({ count: 1 });
  });

  it('when the Idempotency-Key is older than 24 hours, it no longer applies and a new integration is created', async () => {
    const first = await fx.post('/api/v1/integrations').set('idempotency-key', 'key-old').send(integrationBody({ name: 'aged' }));
    await fx.db('idempotency_keys').where({ key: 'key-old' }).update({ created_at: new Date(Date.now() - 25 * 3_600_000).toISOString() });
    const second = await fx.post('/api/v1/integrations').set('idempotency-key', 'key-old').send(integrationBody({ name: 'aged' }));
    expect(second.status).toBe(201);
    expect(dataOf<CreatedIntegration>(second).id).not.toBe(dataOf<CreatedIntegration>(first).id);
  });

  it('when the Idempotency-Key is longer than 255 characters, returns 400 INVALID_IDEMPOTENCY_KEY', async () => {
    const response = await fx.post('/api/v1/integrations').set('idempotency-key', 'k'.repeat(256)).send(integrationBody());
    expect([response.status, errorOf(response).code]).toEqual([400, 'INVALID_IDEMPOTENCY_KEY']);
  });
});

describe('POST /integrations with an empty outbound allow-list (SSRF guard as in production)', () => {
  let fx: ManagementFixture;

  beforeAll(async () => {
    fx = await startManagement('mgmt-ssrf', { OUTBOUND_ALLOW_CIDRS: '' });
  });

  afterAll(async () => {
    await fx.close();
  });

  it.each([
    ['a loopback address', 'http://127.0.0.1:8080/hook', /loopback/],
    ['a private address', 'http://10.1.2.3/hook', /private/],
    ['the metadata address', 'http://169.254.169.254/latest/meta-data', /linkLocal/],
    ['a name that resolves to loopback', 'http://localhost:8080/hook', /resolves to .*loopback/],
  ])('when the URL is %s, returns 400 INVALID_URL with the reason and stores nothing', async (_case, url, reason) => {
    const response = await fx.post('/api/v1/integrations').send(integrationBody({ url }));
    expect([response.status, errorOf(response).code]).toEqual([400, 'INVALID_URL']);
    expect(errorOf(response).details.reason).toMatch(reason);
    expect(await integrationCount(fx)).toBe(0);
  });

  it('when a stored URL points at loopback, the verification handshake is refused as SSRF_BLOCKED', async () => {
    const box = new SecretBox(fx.config.secretEncryptionKey);
    const id = await insertIntegration(fx.db, { url: 'http://127.0.0.1:9/hook', secretSealed: box.seal('whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=') });
    const response = await fx.post(`/api/v1/integrations/${id}/verify`);
    expect(response.status).toBe(200);
    expect(dataOf(response)).toEqual({ verified: false, reason: 'SSRF_BLOCKED' });
  });
});

describe('GET, PATCH and DELETE /integrations/:id', () => {
  let fx: ManagementFixture;
  let created: CreatedIntegration;

  beforeAll(async () => {
    fx = await startManagement('mgmt-crud');
    created = dataOf<CreatedIntegration>(await fx.post('/api/v1/integrations').send(integrationBody()));
  });

  afterAll(async () => {
    await fx.close();
  });

  it('when the id is unknown or not a uuid, GET, PATCH, DELETE and every action answer 404 INTEGRATION_NOT_FOUND', async () => {
    for (const id of [crypto.randomUUID(), 'not-a-uuid']) {
      for (const call of [
        fx.get(`/api/v1/integrations/${id}`), fx.patch(`/api/v1/integrations/${id}`).send({ name: 'x' }),
        fx.delete(`/api/v1/integrations/${id}`), fx.post(`/api/v1/integrations/${id}/pause`), fx.post(`/api/v1/integrations/${id}/resume`),
        fx.post(`/api/v1/integrations/${id}/rotate-secret`), fx.post(`/api/v1/integrations/${id}/test`), fx.post(`/api/v1/integrations/${id}/verify`),
        fx.get(`/api/v1/integrations/${id}/stats`), fx.delete(`/api/v1/integrations/${id}/deliveries`),
      ]) {
        const response = await call;
        expect([response.status, errorOf(response).code]).toEqual([404, 'INTEGRATION_NOT_FOUND']);
      }
    }
  });

  it('PATCH changes only the given fields, clears description with null, and audits the change with the JWT subject', async () => {
    const response = await fx.http.patch(`/api/v1/integrations/${created.id}`).set('authorization', fx.bearer('carol', 'webhooks:write'))
      .set('x-request-id', 'patch-1').send({ name: 'renamed', eventTypes: ['order.created', 'invoice.*'], description: null });
    expect(response.status).toBe(200);
    expect(dataOf(response)).toMatchObject({
      id: created.id, name: 'renamed', eventTypes: ['order.created', 'invoice.*'], description: null, url: 'http://127.0.0.1:9/hook',
      headers: { 'x-team': 'billing' },
    });
    expect(dataOf<CreatedIntegration>(response).updatedAt > created.updatedAt).toBe(true);
    expect(await publishedFact(fx, `integration.updated:${created.id}:patch-1`)).toMatchObject({
      actor: 'carol', details: { changed: ['name', 'eventTypes', 'description'], name: 'renamed' },
    });
  });

  it('PATCH of the URL checks it with the SSRF guard and forgets an earlier ownership verification', async () => {
    await fx.db('integrations').where({ id: created.id }).update({ verified_at: new Date().toISOString() });
    const refused = await fx.patch(`/api/v1/integrations/${created.id}`).send({ url: 'gopher://127.0.0.1/x' });
    expect([refused.status, errorOf(refused).code]).toEqual([400, 'INVALID_URL']);
    expect(dataOf<CreatedIntegration>(await fx.get(`/api/v1/integrations/${created.id}`)).verifiedAt).not.toBeNull();

    const moved = await fx.patch(`/api/v1/integrations/${created.id}`).send({ url: 'http://127.0.0.1:10/elsewhere' });
    expect(moved.status).toBe(200);
    expect(dataOf(moved)).toMatchObject({ url: 'http://127.0.0.1:10/elsewhere', verifiedAt: null });
  });

  it.each([
    ['the patch is empty', {}, '/'],
    ['the patch names an unknown field', { state: 'paused' }, '/state'],
    ['the patch sets a reserved header', { headers: { 'webhook-id': 'x' } }, '/headers/webhook-id'],
    ['the patch empties eventTypes', { eventTypes: [] }, '/eventTypes'],
  ])('when %s, PATCH returns 400 VALIDATION_ERROR', async (_case, patch, path) => {
    const response = await fx.patch(`/api/v1/integrations/${created.id}`).send(patch);
    expect([response.status, errorOf(response).code]).toEqual([400, 'VALIDATION_ERROR']);
    expect(errorOf(response).details.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  });

  it('DELETE answers 204, takes the jobs and attempts with it, and audits the deletion', async () => {
    const doomed = dataOf<CreatedIntegration>(await fx.post('/api/v1/integrations').send(integrationBody({ name: 'doomed' })));
    const eventId = await insertEvent(fx.db);
    const jobId = await insertJob(fx.db, { eventId, integrationId: doomed.id, status: 'succeeded', attemptCount: 1 });
    await insertAttempt(fx.db, { jobId, eventId, integrationId: doomed.id, attemptNumber: 1, status: 'success', statusCode: 200 });

    const response = await fx.delete(`/api/v1/integrations/${doomed.id}`).set('x-request-id', 'delete-1');
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expect(await fx.db('delivery_jobs').where({ integration_id: doomed.id }).first()).toBeUndefined();
    expect(await fx.db('delivery_attempts').where({ integration_id: doomed.id }).first()).toBeUndefined();
    expect(await fx.db('events').where({ id: eventId }).first()).toBeDefined();
    expect((await fx.get(`/api/v1/integrations/${doomed.id}`)).status).toBe(404);
    expect((await fx.delete(`/api/v1/integrations/${doomed.id}`)).status).toBe(404);
    expect(await publishedFact(fx, `integration.deleted:${doomed.id}:delete-1`)).toMatchObject({
      actor: 'api-key', details: { name: 'doomed', provider: 'acme' },
    });
  });
});

describe('pause, resume and secret rotation', () => {
  let fx: ManagementFixture;
  let box: SecretBox;

  beforeAll(async () => {
    fx = await startManagement('mgmt-lifecycle');
    box = new SecretBox(fx.config.secretEncryptionKey);
  });

  afterAll(async () => {
    await fx.close();
  });

  const create = async (name: string): Promise<CreatedIntegration> =>
    dataOf<CreatedIntegration>(await fx.post('/api/v1/integrations').send(integrationBody({ name })));

  it('pause sets state paused and audits it; pausing again changes nothing and is not audited', async () => {
    const integration = await create('to pause');
    const paused = await fx.http.post(`/api/v1/integrations/${integration.id}/pause`).set('authorization', fx.bearer('dave', 'webhooks:write'))
      .set('x-request-id', 'pause-1');
    expect(paused.status).toBe(200);
    expect(dataOf(paused)).toMatchObject({ id: integration.id, state: 'paused' });
    expect(await publishedFact(fx, `integration.paused:${integration.id}:pause-1`)).toMatchObject({ actor: 'dave', details: { previousState: 'active' } });

    const again = await fx.post(`/api/v1/integrations/${integration.id}/pause`).set('x-request-id', 'pause-2');
    expect([again.status, dataOf<CreatedIntegration>(again).state]).toEqual([200, 'paused']);
    expect(await publishedFact(fx, `integration.paused:${integration.id}:pause-2`)).toBeUndefined();
  });

  it('resume reactivates a disabled integration, resets the breaker, and releases its parked jobs as claimable job messages', async () => {
    const integration = await create('to resume');
    const other = await create('stays parked');
    await fx.db('integrations').where({ id: integration.id })
      .update({ state: 'disabled', consecutive_failures: 7, disabled_reason: 'circuit breaker: 7 consecutive failures' });
    const [e1, e2, e3, e4] = [await insertEvent(fx.db), await insertEvent(fx.db), await insertEvent(fx.db), await insertEvent(fx.db)];
    const neverTried = await insertJob(fx.db, { eventId: e1, integrationId: integration.id, status: 'parked', attemptCount: 0 });
    const triedTwice = await insertJob(fx.db, { eventId: e2, integrationId: integration.id, status: 'parked', attemptCount: 2 });
    const dead = await insertJob(fx.db, { eventId: e3, integrationId: integration.id, status: 'dead', attemptCount: 3 });
    const othersParked = await insertJob(fx.db, { eventId: e4, integrationId: other.id, status: 'parked', attemptCount: 1 });

    const response = await fx.http.post(`/api/v1/integrations/${integration.id}/resume`).set('authorization', fx.bearer('erin', 'webhooks:write'))
      .set('x-request-id', 'resume-1');
    expect(response.status).toBe(200);
    expect(dataOf(response)).toMatchObject({ id: integration.id, state: 'active', consecutiveFailures: 0, disabledReason: null });
    expect(metaOf(response)).toEqual({ releasedJobs: 2 });

    const statuses = Object.fromEntries((await fx.db('delivery_jobs').select<{ id: string; status: string }[]>('id', 'status'))
      .map((row) => [row.id, row.status]));
    expect([statuses[neverTried], statuses[triedTwice], statuses[dead], statuses[othersParked]]).toEqual(['pending', 'retrying', 'dead', 'parked']);
    // Each released job's event is rolled up again: a released retry is what an operator must see.
    const eventStatus = async (id: string) => (await fx.db('events').where({ id }).first<{ status: string }>('status')).status;
    expect([await eventStatus(e1), await eventStatus(e2), await eventStatus(e4)]).toEqual(['processing', 'retrying', 'pending']);

    const jobMessages = await fx.taken(fx.broker.topology.queues.jobs);
    expect(jobMessages.map((message) => message.body)).toEqual(expect.arrayContaining([
      { jobId: neverTried, eventId: e1, integrationId: integration.id, attempt: 1 },
      { jobId: triedTwice, eventId: e2, integrationId: integration.id, attempt: 3 },
    ]));
    expect(jobMessages).toHaveLength(2);
    expect(jobMessages.map((message) => message.properties.messageId).sort()).toEqual([`${neverTried}:1`, `${triedTwice}:3`].sort());
    expect(await publishedFact(fx, `integration.resumed:${integration.id}:resume-1`)).toMatchObject({
      actor: 'erin', details: { previousState: 'disabled', releasedJobs: 2 },
    });
  });

  it('resume of an active integration changes nothing, publishes nothing, and answers 200', async () => {
    const integration = await create('already active');
    const before = (await fx.taken(fx.broker.topology.queues.jobs)).length;
    const response = await fx.post(`/api/v1/integrations/${integration.id}/resume`).set('x-request-id', 'resume-noop');
    expect([response.status, dataOf<CreatedIntegration>(response).state]).toEqual([200, 'active']);
    expect((await fx.taken(fx.broker.topology.queues.jobs)).length).toBe(before);
    expect(await publishedFact(fx, `integration.resumed:${integration.id}:resume-noop`)).toBeUndefined();
  });

  it('when an active integration still has a job parked by a delivery that raced the resume, resume releases it', async () => {
    const integration = await create('raced');
    const eventId = await insertEvent(fx.db);
    const parked = await insertJob(fx.db, { eventId, integrationId: integration.id, status: 'parked', attemptCount: 1 });
    const response = await fx.post(`/api/v1/integrations/${integration.id}/resume`).set('x-request-id', 'resume-raced');
    expect([response.status, metaOf(response)]).toEqual([200, { releasedJobs: 1 }]);
    expect(await fx.db('delivery_jobs').where({ id: parked }).first()).toMatchObject({ status: 'retrying', attempt_count: 1 });
    expect(messageFor(await fx.taken(fx.broker.topology.queues.jobs), parked)?.body).toEqual({ jobId: parked, eventId, integrationId: integration.id, attempt: 2 });
    expect(await publishedFact(fx, `integration.resumed:${integration.id}:resume-raced`)).toMatchObject({ details: { previousState: 'active', releasedJobs: 1 } });
  });

  /** The service over the same database, with a broker that refuses every job message. */
  const refusingService = (): IntegrationService => new IntegrationService({
      inTransaction: transactional(fx.db),
      integrations: new IntegrationRepository(fx.db),
      jobs: new DeliveryJobRepository(fx.db),
      attempts: new DeliveryAttemptRepository(fx.db),
      publisher: { publish: () => Promise.reject(new BrokerUnavailableError()), publishAudit: () => Promise.resolve() },
      jobDestination: { exchange: fx.broker.topology.exchanges.jobs, routingKey: fx.broker.topology.jobRoutingKey },
      secretBox: box,
      generateSecret: generateSigningSecret,
      checkUrl: () => Promise.resolve(),
      rotationGraceMs: 1_000,
  });

  it('when the broker refuses the released jobs\' messages, parks them again and fails, so resuming again releases them', async () => {
    const integration = await create('refused');
    await fx.db('integrations').where({ id: integration.id }).update({ state: 'paused' });
    const eventId = await insertEvent(fx.db);
    const parked = await insertJob(fx.db, { eventId, integrationId: integration.id, status: 'parked', attemptCount: 0 });
    const refusing = refusingService();
    await expect(refusing.resume(integration.id, { actor: 'ops', requestId: 'refused-1' })).rejects.toBeInstanceOf(BrokerUnavailableError);
    expect(await fx.db('delivery_jobs').where({ id: parked }).first()).toMatchObject({ status: 'parked', attempt_count: 0 });

    const retried = await fx.post(`/api/v1/integrations/${integration.id}/resume`);
    expect([retried.status, metaOf(retried)]).toEqual([200, { releasedJobs: 1 }]);
    expect(messageFor(await fx.taken(fx.broker.topology.queues.jobs), parked)?.body).toMatchObject({ jobId: parked, attempt: 1 });
  });

  it('when a released retry is parked again because the broker refused its message, its event goes back from retrying', async () => {
    const integration = await create('refused retry');
    await fx.db('integrations').where({ id: integration.id }).update({ state: 'paused' });
    const eventId = await insertEvent(fx.db, { status: 'processing' });
    const parked = await insertJob(fx.db, { eventId, integrationId: integration.id, status: 'parked', attemptCount: 1 });
    const refusing = refusingService();
    await expect(refusing.resume(integration.id, { actor: 'ops', requestId: 'refused-2' })).rejects.toBeInstanceOf(BrokerUnavailableError);
    expect(await fx.db('delivery_jobs').where({ id: parked }).first()).toMatchObject({ status: 'parked', attempt_count: 1 });
    expect(await fx.db('events').where({ id: eventId }).first()).toMatchObject({ status: 'processing' });
  });

  it('rotate-secret returns a new secret once, keeps the old one sealed until the grace window ends, and audits no secret', async () => {
    const integration = await create('to rotate');
    const started = Date.now();
    const response = await fx.http.post(`/api/v1/integrations/${integration.id}/rotate-secret`).set('authorization', fx.bearer('frank', 'webhooks:write'))
      .set('x-request-id', 'rotate-1');
    expect(response.status).toBe(200);
    const rotated = dataOf<CreatedIntegration>(response);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(integration.secret);
    const expiresAt = Date.parse(rotated.previousSecretExpiresAt!);
    expect(expiresAt).toBeGreaterThanOrEqual(started + fx.config.rotationGraceMs - 5_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + fx.config.rotationGraceMs + 5_000);

    const row = (await fx.db('integrations').where({ id: integration.id }).first()) as IntegrationRow;
    expect(box.open(row.secret_sealed)).toBe(rotated.secret);
    expect(box.open(row.previous_secret_sealed!)).toBe(integration.secret);
    expect(JSON.stringify(row)).not.toContain(rotated.secret);

    const fact = await publishedFact(fx, `integration.secret_rotated:${integration.id}:rotate-1`);
    expect(fact).toMatchObject({ actor: 'frank', details: { previousSecretExpiresAt: rotated.previousSecretExpiresAt } });
    expect(JSON.stringify(await publishedFacts(fx))).not.toContain(rotated.secret);
    expect(JSON.stringify(await publishedFacts(fx))).not.toContain(integration.secret);
    expect(dataOf(await fx.get(`/api/v1/integrations/${integration.id}`))).not.toHaveProperty('secret');
  });
});
