// Inbound sources end to end: created through the management API, served by ingress within moments, each
// verifier preset fed requests signed by that provider's own library (where one exists on npm), then the
// same request with one byte changed, a stale timestamp, and the replayed delivery. Management, ingress and
// the audit service run in-process on one database; nothing of a secret may reach a log line or an audit entry.
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sign as githubSign } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import request from 'supertest';
import type { Config } from '@hookway/config';
import {
  captureLogger, createTestBroker, createTestDatabase, silentLogger, testConfig, waitFor,
  type TestBroker, type TestDatabase,
} from '@hookway/testing';
import { start as startAudit } from '../services/audit/src/main.js';
import { start as startIngress } from '../services/ingress/src/main.js';
import { start as startManagement } from '../services/management/src/main.js';

interface SourceWithSecret {
  id: string;
  key: string;
  name: string;
  verifier: Record<string, unknown>;
  mapping: Record<string, unknown>;
  state: string;
  rateLimit: { perSecond: number; burst: number } | null;
  previousSecretExpiresAt: string | null;
  secret: string | null;
}

interface EventRow {
  id: string;
  provider: string;
  external_id: string;
  type: string;
  occurred_at: Date;
  subject: string | null;
  data: unknown;
  raw_headers: Record<string, unknown>;
}

const stripe = new Stripe('sk_test_hookway_sources');
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

describe('inbound sources', () => {
  let database: TestDatabase;
  let broker: TestBroker;
  let config: Config;
  let ingress: string;
  let management: string;
  const stops: (() => Promise<void>)[] = [];
  const ingressLogs = captureLogger('ingress', 'debug');
  const managementLogs = captureLogger('management', 'debug');
  const secrets: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('sources');
    broker = await createTestBroker('sources', [50, 100]);
    config = testConfig({ databaseUrl: database.url, brokerPrefix: broker.prefix });
    const audit = await startAudit(config, silentLogger('audit'));
    const ingressService = await startIngress(config, ingressLogs.logger);
    const managementService = await startManagement(config, managementLogs.logger);
    stops.push(() => managementService.stop(), () => ingressService.stop(), () => audit.stop());
    ingress = `http://127.0.0.1:${ingressService.port}`;
    management = `http://127.0.0.1:${managementService.port}`;
  });

  afterAll(async () => {
    for (const stop of stops) await stop();
    await broker.cleanup();
    await database.drop();
  });

  const api = {
    get: (path: string) => request(management).get(`/api/v1${path}`).set('x-internal-api-key', config.managementApiKey),
    post: (path: string) => request(management).post(`/api/v1${path}`).set('x-internal-api-key', config.managementApiKey),
    patch: (path: string) => request(management).patch(`/api/v1${path}`).set('x-internal-api-key', config.managementApiKey),
    delete: (path: string) => request(management).delete(`/api/v1${path}`).set('x-internal-api-key', config.managementApiKey),
  };

  const post = (key: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    request(ingress).post(`/api/v1/webhooks/${key}`).set({ 'content-type': 'application/json', ...headers }).send(body);

  const eventCount = async (): Promise<number> => {
    const [row] = await database.db('events').count<{ count: number }[]>({ count: '*' });
    return row?.count ?? 0;
  };

  const eventRow = async (id: string): Promise<EventRow> => (await database.db('events').where({ id }).first()) as EventRow;

  /** Creates a source and waits until ingress serves it (any answer but 404 to an unsigned probe). */
  async function createSource(body: Record<string, unknown>): Promise<SourceWithSecret> {
    const response = await api.post('/sources').send(body);
    expect(response.status).toBe(201);
    const source = (response.body as { data: SourceWithSecret }).data;
    if (source.secret) secrets.push(source.secret);
    await waitFor(async () => (await post(source.key, '{}')).status !== 404, { what: `ingress to serve ${source.key}` });
    return source;
  }

  /** A rejected request: status and code as given, and nothing stored. */
  async function expectRejected(send: () => PromiseLike<request.Response>, status: number, code: string): Promise<request.Response> {
    const before = await eventCount();
    const response = await send();
    expect({ status: response.status, code: (response.body as { error?: { code?: string } }).error?.code }).toEqual({ status, code });
    expect(await eventCount()).toBe(before);
    return response;
  }

  /** Flips one byte of the body (a letter in the middle), keeping it valid JSON. */
  function tampered(body: string): string {
    const at = body.indexOf('"', Math.floor(body.length / 2)) + 1;
    const replacement = body[at] === 'x' ? 'y' : 'x';
    return `${body.slice(0, at)}${replacement}${body.slice(at + 1)}`;
  }

  function accepted(response: request.Response): string {
    expect(response.status).toBe(202);
    return (response.body as { data: { eventId: string } }).data.eventId;
  }

  function duplicateOf(response: request.Response, eventId: string): void {
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ success: true, data: { eventId, duplicate: true } });
  }

  describe('github (signed with @octokit/webhooks-methods)', () => {
    let source: SourceWithSecret;
    const body = JSON.stringify({ action: 'opened', issue: { number: 7, title: 'Bug' }, repository: { full_name: 'octo/hello' } });
    const delivery = randomUUID();
    const headers = async (text: string, secret = source.secret!): Promise<Record<string, string>> => ({
      'x-github-event': 'issues',
      'x-github-delivery': delivery,
      'x-hub-signature-256': await githubSign(secret, text),
    });

    beforeAll(async () => {
      source = await createSource({ key: 'github', name: 'GitHub octo/hello', verifier: { type: 'github' } });
    });

    it('when GitHub signed the delivery, returns 202 and maps delivery id, event + action and repository', async () => {
      const eventId = accepted(await post('github', body, await headers(body)));
      expect(await eventRow(eventId)).toMatchObject({
        provider: 'github', external_id: delivery, type: 'issues.opened', subject: 'octo/hello',
        data: { action: 'opened', issue: { number: 7, title: 'Bug' }, repository: { full_name: 'octo/hello' } },
      });
    });

    it('when one byte of the signed body changed, returns 401 INVALID_SIGNATURE and stores nothing', async () => {
      const signed = await headers(body);
      await expectRejected(() => post('github', tampered(body), signed), 401, 'INVALID_SIGNATURE');
    });

    it('when the same delivery is replayed, returns 200 duplicate with the first event id', async () => {
      const first = await database.db('events').where({ provider: 'github', external_id: delivery }).first<{ id: string }>('id');
      duplicateOf(await post('github', body, await headers(body)), first.id);
    });

    it('when an event has no action (push), the type is the event name alone', async () => {
      const push = JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'octo/hello' } });
      const response = await post('github', push, { ...(await headers(push)), 'x-github-event': 'push', 'x-github-delivery': randomUUID() });
      expect((await eventRow(accepted(response))).type).toBe('push');
    });
  });

  describe('stripe (signed with stripe.webhooks.generateTestHeaderString)', () => {
    let source: SourceWithSecret;
    const stripeSecret = `whsec_${randomUUID().replaceAll('-', '')}`;
    const eventId = `evt_${randomUUID().replaceAll('-', '')}`;
    const body = JSON.stringify({ id: eventId, object: 'event', type: 'invoice.paid', created: 1_796_400_000, data: { object: { id: 'in_123', amount_paid: 500 } } });
    const header = (text: string, timestamp = nowSeconds()) => ({ 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload: text, secret: stripeSecret, timestamp }) });

    beforeAll(async () => {
      secrets.push(stripeSecret);
      source = await createSource({ key: 'stripe', name: 'Stripe', verifier: { type: 'stripe' }, secret: stripeSecret });
      expect(source.secret).toBe(stripeSecret);
    });

    it('when Stripe signed the event, returns 202 with id, type, created and the object id', async () => {
      const row = await eventRow(accepted(await post('stripe', body, header(body))));
      expect(row).toMatchObject({ external_id: eventId, type: 'invoice.paid', subject: 'in_123' });
      expect(row.occurred_at.toISOString()).toBe(new Date(1_796_400_000 * 1000).toISOString());
    });

    it('when one byte changed, returns 401 INVALID_SIGNATURE', async () => {
      const signed = header(body);
      await expectRejected(() => post('stripe', tampered(body), signed), 401, 'INVALID_SIGNATURE');
    });

    it('when the signature timestamp is ten minutes old, returns 401 TIMESTAMP_OUT_OF_TOLERANCE', async () => {
      const other = body.replace(eventId, `${eventId}_stale`);
      await expectRejected(() => post('stripe', other, header(other, nowSeconds() - 600)), 401, 'TIMESTAMP_OUT_OF_TOLERANCE');
    });

    it('when the event is delivered again, returns 200 duplicate', async () => {
      const first = await database.db('events').where({ provider: 'stripe', external_id: eventId }).first<{ id: string }>('id');
      duplicateOf(await post('stripe', body, header(body)), first.id);
    });
  });

  describe('standard-webhooks (signed with the standardwebhooks package)', () => {
    let source: SourceWithSecret;
    const messageId = `msg_${randomUUID()}`;
    const body = JSON.stringify({ type: 'user.created', timestamp: '2026-12-04T20:00:00Z', data: { id: 'u_1' } });
    const headers = (text: string, at = new Date(), id = messageId) => ({
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(source.secret!).sign(id, at, text),
    });

    beforeAll(async () => {
      source = await createSource({ key: 'svix-like', name: 'A Standard Webhooks sender', verifier: { type: 'standard-webhooks' } });
      expect(source.secret).toMatch(/^whsec_/);
    });

    it('when signed, returns 202 with webhook-id as the event id; several signatures, one valid, are accepted', async () => {
      const signed = headers(body);
      const response = await post('svix-like', body, { ...signed, 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')} ${signed['webhook-signature']}` });
      const row = await eventRow(accepted(response));
      expect(row).toMatchObject({ external_id: messageId, type: 'user.created', data: { type: 'user.created', data: { id: 'u_1' } } });
      expect(row.occurred_at.toISOString()).toBe('2026-12-04T20:00:00.000Z');
    });

    it('when one byte changed, returns 401 INVALID_SIGNATURE', async () => {
      const signed = headers(body);
      await expectRejected(() => post('svix-like', tampered(body), signed), 401, 'INVALID_SIGNATURE');
    });

    it('when the timestamp is ten minutes old, returns 401 TIMESTAMP_OUT_OF_TOLERANCE', async () => {
      await expectRejected(() => post('svix-like', body, headers(body, new Date(Date.now() - 600_000), `msg_${randomUUID()}`)), 401, 'TIMESTAMP_OUT_OF_TOLERANCE');
    });

    it('when the message is replayed, returns 200 duplicate', async () => {
      const first = await database.db('events').where({ provider: 'svix-like', external_id: messageId }).first<{ id: string }>('id');
      duplicateOf(await post('svix-like', body, headers(body)), first.id);
    });
  });

  // Shopify and Slack publish no signing library on npm: signed here exactly as their documentation says.
  describe('shopify', () => {
    let source: SourceWithSecret;
    const webhookId = randomUUID();
    const body = JSON.stringify({ id: 820982911946154500, email: 'jon@example.com', total_price: '10.00' });
    const headers = (text: string) => ({
      'x-shopify-hmac-sha256': createHmac('sha256', source.secret!).update(text).digest('base64'),
      'x-shopify-topic': 'orders/create',
      'x-shopify-webhook-id': webhookId,
      'x-shopify-shop-domain': 'hookway.myshopify.com',
      'x-shopify-triggered-at': '2026-12-04T20:00:00.123456789Z',
    });

    beforeAll(async () => {
      source = await createSource({ key: 'shopify', name: 'Shopify', verifier: { type: 'shopify' } });
    });

    it('when signed, returns 202 mapped from the x-shopify headers; a changed byte is 401; the replay is a duplicate', async () => {
      const eventId = accepted(await post('shopify', body, headers(body)));
      expect(await eventRow(eventId)).toMatchObject({ external_id: webhookId, type: 'orders/create', subject: 'hookway.myshopify.com' });
      const signed = headers(body);
      await expectRejected(() => post('shopify', tampered(body), signed), 401, 'INVALID_SIGNATURE');
      duplicateOf(await post('shopify', body, headers(body)), eventId);
    });
  });

  describe('slack', () => {
    let source: SourceWithSecret;
    const body = JSON.stringify({ type: 'event_callback', event_id: `Ev${randomUUID()}`, event_time: 1_796_400_000, team_id: 'T123', event: { type: 'app_mention', text: 'hi' } });
    const headers = (text: string, timestamp = nowSeconds()) => ({
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': `v0=${createHmac('sha256', source.secret!).update(`v0:${timestamp}:${text}`).digest('hex')}`,
    });

    beforeAll(async () => {
      source = await createSource({ key: 'slack', name: 'Slack', verifier: { type: 'slack' } });
    });

    it('when signed, returns 202 typed event_callback.app_mention; a changed byte and a stale timestamp are 401; the replay is a duplicate', async () => {
      const eventId = accepted(await post('slack', body, headers(body)));
      expect(await eventRow(eventId)).toMatchObject({ type: 'event_callback.app_mention', subject: 'T123' });
      const signed = headers(body);
      await expectRejected(() => post('slack', tampered(body), signed), 401, 'INVALID_SIGNATURE');
      await expectRejected(() => post('slack', body, headers(body, nowSeconds() - 600)), 401, 'TIMESTAMP_OUT_OF_TOLERANCE');
      duplicateOf(await post('slack', body, headers(body)), eventId);
    });
  });

  describe('hmac (generic)', () => {
    it('with sha512, base64, a prefix and a timestamp header: 202, a changed byte 401, stale 401, replay duplicate', async () => {
      const source = await createSource({
        key: 'in-house',
        name: 'In-house billing',
        verifier: { type: 'hmac', header: 'x-billing-signature', algorithm: 'sha512', encoding: 'base64', prefix: 'v1=', timestampHeader: 'x-billing-timestamp', toleranceSeconds: 60 },
        mapping: { eventId: { pointer: '/meta/id' }, eventType: { pointer: '/meta/kind' }, occurredAt: { pointer: '/meta/at' }, subject: { pointer: '/account' }, data: '/payload' },
      });
      const body = JSON.stringify({ meta: { id: `bill_${randomUUID()}`, kind: 'invoice.issued', at: '2026-12-04T21:00:00+01:00' }, account: 'acct_9', payload: { total: 42 } });
      const headers = (text: string, timestamp = nowSeconds()) => ({
        'x-billing-timestamp': String(timestamp),
        'x-billing-signature': `v1=${createHmac('sha512', source.secret!).update(`${timestamp}.${text}`).digest('base64')}`,
      });
      const eventId = accepted(await post('in-house', body, headers(body)));
      const row = await eventRow(eventId);
      expect(row).toMatchObject({ type: 'invoice.issued', subject: 'acct_9', data: { total: 42 } });
      expect(row.occurred_at.toISOString()).toBe('2026-12-04T20:00:00.000Z');
      const signed = headers(body);
      await expectRejected(() => post('in-house', tampered(body), signed), 401, 'INVALID_SIGNATURE');
      await expectRejected(() => post('in-house', body, headers(body, nowSeconds() - 120)), 401, 'TIMESTAMP_OUT_OF_TOLERANCE');
      duplicateOf(await post('in-house', body, headers(body)), eventId);
    });

    it('with sha1 and hex, bare: 202; another secret is 401', async () => {
      const source = await createSource({ key: 'legacy-sha1', name: 'Legacy', verifier: { type: 'hmac', header: 'x-signature', algorithm: 'sha1', encoding: 'hex' } });
      const body = JSON.stringify({ id: `l_${randomUUID()}`, type: 'thing.happened' });
      accepted(await post('legacy-sha1', body, { 'x-signature': createHmac('sha1', source.secret!).update(body).digest('hex') }));
      await expectRejected(() => post('legacy-sha1', body, { 'x-signature': createHmac('sha1', 'not-the-secret').update(body).digest('hex') }), 401, 'INVALID_SIGNATURE');
    });
  });

  describe('token, basic and none', () => {
    it('token: the right header value is 202 and redacted from the snapshot; a wrong one is 401 INVALID_TOKEN', async () => {
      const source = await createSource({ key: 'crm', name: 'CRM', verifier: { type: 'token', header: 'x-crm-token' } });
      const body = JSON.stringify({ id: `crm_${randomUUID()}`, type: 'contact.updated' });
      const eventId = accepted(await post('crm', body, { 'x-crm-token': source.secret! }));
      expect((await eventRow(eventId)).raw_headers['x-crm-token']).toBe('[redacted]');
      await expectRejected(() => post('crm', body, { 'x-crm-token': `${source.secret!}x` }), 401, 'INVALID_TOKEN');
      duplicateOf(await post('crm', body, { 'x-crm-token': source.secret! }), eventId);
    });

    it('basic: the user and secret as password are 202; a wrong password is 401 INVALID_CREDENTIALS', async () => {
      const source = await createSource({ key: 'erp', name: 'ERP', verifier: { type: 'basic', username: 'erp-sender' } });
      const body = JSON.stringify({ id: `erp_${randomUUID()}`, type: 'order.shipped' });
      const basic = (password: string) => ({ authorization: `Basic ${Buffer.from(`erp-sender:${password}`).toString('base64')}` });
      accepted(await post('erp', body, basic(source.secret!)));
      const refused = await expectRejected(() => post('erp', body, basic('wrong-password')), 401, 'INVALID_CREDENTIALS');
      expect(refused.headers['www-authenticate']).toContain('Basic');
    });

    it('none: accepted unsigned, and without an id the event id is the body hash (a replay is a duplicate)', async () => {
      const source = await createSource({ key: 'open-feed', name: 'Open feed', verifier: { type: 'none' } });
      expect(source.secret).toBeNull();
      const body = JSON.stringify({ type: 'feed.item', item: randomUUID() });
      const eventId = accepted(await post('open-feed', body));
      expect((await eventRow(eventId)).external_id).toBe(createHash('sha256').update(body).digest('hex'));
      duplicateOf(await post('open-feed', body), eventId);
    });
  });

  describe('mapping', () => {
    it('when the payload lacks the mapped event type, returns 400 INVALID_PAYLOAD naming the field and stores nothing', async () => {
      const response = await expectRejected(() => post('open-feed', JSON.stringify({ id: 'x1', kind: 'no type here' })), 400, 'INVALID_PAYLOAD');
      expect(response.body).toMatchObject({ error: { details: { field: 'eventType', errors: [{ path: '/type' }] } } });
    });

    it('when the occurrence time is not a date, returns 400 naming occurredAt', async () => {
      const body = JSON.stringify({ meta: { id: 'x2', kind: 'k', at: 'yesterday' }, payload: {} });
      const timestamp = nowSeconds();
      const response = await api.get('/sources');
      const inHouse = (response.body as { data: SourceWithSecret[] }).data.find((item) => item.key === 'in-house');
      expect(inHouse).toBeDefined();
      // Rotate to a known secret (no grace) so the test can sign.
      await api.post(`/sources/${inHouse!.id}/rotate-secret`).send({ secret: 'known-in-house-secret', graceSeconds: 0 });
      secrets.push('known-in-house-secret');
      const headers = {
        'x-billing-timestamp': String(timestamp),
        'x-billing-signature': createHmac('sha512', 'known-in-house-secret').update(`${timestamp}.${body}`).digest('base64'),
      };
      const rejected = await waitFor(async () => {
        const answer = await post('in-house', body, headers);
        return answer.status === 400 ? answer : undefined;
      }, { what: 'the rotated in-house secret to be served' });
      expect(rejected.body).toMatchObject({ error: { code: 'INVALID_PAYLOAD', details: { field: 'occurredAt' } } });
    });

    it('when a source is created with an unreadable mapping, management answers 400 naming the path', async () => {
      const response = await api.post('/sources').send({ key: 'broken', name: 'Broken', verifier: { type: 'none' }, mapping: { eventId: { pointer: 'no-slash' }, eventType: {} } });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: { code: 'VALIDATION_ERROR' } });
      const paths = (response.body as { error: { details: { errors: { path: string }[] } } }).error.details.errors.map((error) => error.path);
      expect(paths).toEqual(expect.arrayContaining(['/mapping/eventId/pointer', '/mapping/eventType']));
    });
  });

  describe('management of sources', () => {
    it('lists the built-in acme and globex sources with every created one, and never a secret', async () => {
      const response = await api.get('/sources');
      expect(response.status).toBe(200);
      const list = (response.body as { data: SourceWithSecret[] }).data;
      expect(list.map((source) => source.key)).toEqual(expect.arrayContaining(['acme', 'globex', 'github', 'stripe']));
      expect(list.find((source) => source.key === 'acme')).toMatchObject({ verifier: { type: 'hmac', header: 'x-acme-signature' }, state: 'active' });
      const text = JSON.stringify(response.body);
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/sealed/i);
      for (const source of list) expect(source).not.toHaveProperty('secret');
    });

    it('when a key is taken, answers 409 SOURCE_KEY_TAKEN', async () => {
      const response = await api.post('/sources').send({ key: 'github', name: 'again', verifier: { type: 'github' } });
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({ error: { code: 'SOURCE_KEY_TAKEN' } });
    });

    it('reads, renames and deletes a source; a deleted source answers 404 UNKNOWN_PROVIDER', async () => {
      const source = await createSource({ key: 'short-lived', name: 'Short', verifier: { type: 'none' } });
      expect((await api.get(`/sources/${source.id}`)).body).toMatchObject({ data: { key: 'short-lived', name: 'Short' } });
      expect((await api.patch(`/sources/${source.id}`).send({ name: 'Renamed' })).body).toMatchObject({ data: { name: 'Renamed' } });
      expect((await api.delete(`/sources/${source.id}`)).status).toBe(204);
      expect((await api.get(`/sources/${source.id}`)).status).toBe(404);
      await waitFor(async () => (await post('short-lived', '{}')).status === 404, { what: 'ingress to drop short-lived' });
    });

    it('integrations subscribe by source key; an unknown key is 400', async () => {
      const created = await api.post('/integrations').send({ name: 'gh', provider: 'github', url: 'http://127.0.0.1:9/hook', eventTypes: ['issues.*'] });
      expect(created.status).toBe(201);
      const unknown = await api.post('/integrations').send({ name: 'x', provider: 'no-such-source', url: 'http://127.0.0.1:9/hook', eventTypes: ['*'] });
      expect(unknown.status).toBe(400);
      expect(unknown.body).toMatchObject({ error: { code: 'VALIDATION_ERROR', details: { errors: [{ path: '/provider' }] } } });
    });

    it('GET /event-types lists the types per source', async () => {
      const response = await api.get('/event-types?provider=github');
      expect((response.body as { data: { provider: string; eventType: string }[] }).data).toEqual(expect.arrayContaining([
        expect.objectContaining({ provider: 'github', eventType: 'issues.opened' }),
        expect.objectContaining({ provider: 'github', eventType: 'push' }),
      ]));
    });
  });

  describe('secret rotation', () => {
    it('keeps the previous secret verifying through the grace window, and the new one verifies at once', async () => {
      const source = await createSource({ key: 'rotating', name: 'Rotating', verifier: { type: 'token', header: 'x-rotating-token' } });
      const oldSecret = source.secret!;
      const rotated = await api.post(`/sources/${source.id}/rotate-secret`).send({});
      expect(rotated.status).toBe(200);
      const { secret: newSecret, previousSecretExpiresAt } = (rotated.body as { data: SourceWithSecret }).data;
      secrets.push(newSecret!);
      expect(newSecret).not.toBe(oldSecret);
      // The default grace window is 24 h.
      expect(new Date(previousSecretExpiresAt!).getTime() - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
      const body = () => JSON.stringify({ id: `r_${randomUUID()}`, type: 'rotation.check' });
      await waitFor(async () => (await post('rotating', body(), { 'x-rotating-token': newSecret! })).status === 202, { what: 'the new secret to verify' });
      accepted(await post('rotating', body(), { 'x-rotating-token': oldSecret }));
    });

    it('with graceSeconds 0, the previous secret stops verifying at once', async () => {
      const source = await createSource({ key: 'rotating-now', name: 'Rotating now', verifier: { type: 'token', header: 'x-rotating-token' } });
      const oldSecret = source.secret!;
      const rotated = await api.post(`/sources/${source.id}/rotate-secret`).send({ graceSeconds: 0 });
      const newSecret = (rotated.body as { data: SourceWithSecret }).data.secret!;
      secrets.push(newSecret);
      await waitFor(async () => (await post('rotating-now', JSON.stringify({ id: randomUUID(), type: 't' }), { 'x-rotating-token': newSecret })).status === 202,
        { what: 'the new secret to verify' });
      await expectRejected(() => post('rotating-now', JSON.stringify({ id: randomUUID(), type: 't' }), { 'x-rotating-token': oldSecret }), 401, 'INVALID_TOKEN');
    });
  });

  describe('pause and rate limit', () => {
    it('a paused source answers 503 SOURCE_PAUSED with retry-after and stores nothing; resumed, it accepts again', async () => {
      const source = await createSource({ key: 'pausable', name: 'Pausable', verifier: { type: 'none' } });
      expect((await api.post(`/sources/${source.id}/pause`)).body).toMatchObject({ data: { state: 'paused' } });
      // Each probe carries a new id: a probe that ingress accepts before it sees the pause must not make the
      // later ones duplicates (200), which would hide the resume.
      const body = () => JSON.stringify({ id: `p_${randomUUID()}`, type: 'paused.check' });
      await waitFor(async () => (await post('pausable', body())).status === 503, { what: 'ingress to see the pause' });
      const refused = await expectRejected(() => post('pausable', body()), 503, 'SOURCE_PAUSED');
      expect(refused.headers['retry-after']).toBe('60');
      expect((await api.post(`/sources/${source.id}/resume`)).body).toMatchObject({ data: { state: 'active' } });
      await waitFor(async () => (await post('pausable', body())).status === 202, { what: 'ingress to see the resume' });
    });

    it('beyond its burst a source answers 429 RATE_LIMITED with retry-after and the RateLimit headers, and stores nothing', async () => {
      // One token per 100 s after a burst of 3: the probe that finds the source served takes the first.
      await createSource({ key: 'limited', name: 'Limited', verifier: { type: 'none' }, rateLimit: { perSecond: 0.01, burst: 3 } });
      accepted(await post('limited', JSON.stringify({ id: randomUUID(), type: 'limited.check' })));
      accepted(await post('limited', JSON.stringify({ id: randomUUID(), type: 'limited.check' })));
      const refused = await expectRejected(() => post('limited', JSON.stringify({ id: randomUUID(), type: 'limited.check' })), 429, 'RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.headers['ratelimit-policy']).toMatch(/^"source";q=\d+;w=1;burst=3$/);
      expect(refused.headers.ratelimit).toMatch(/^"source";r=0;t=\d+$/);
    });
  });

  describe('built-in sources keep their configured secrets', () => {
    it('acme verifies with ACME_WEBHOOK_SECRET and globex with GLOBEX_WEBHOOK_TOKEN while their rows hold none', async () => {
      const body = JSON.stringify({ eventId: `evt_${randomUUID()}`, eventType: 'order.created', occurredAt: '2026-12-04T20:00:00Z', data: {} });
      accepted(await post('acme', body, { 'x-acme-signature': `sha256=${createHmac('sha256', config.acmeWebhookSecret).update(body).digest('hex')}` }));
      const globex = JSON.stringify({ id: `gbx_${randomUUID()}`, type: 'invoice.paid', timestamp: '2026-12-04T20:00:00Z', resource: { id: 'inv_1' } });
      accepted(await post('globex', globex, { 'x-globex-token': config.globexWebhookToken }));
    });
  });

  it('never writes a source secret to a log line or an audit entry, and audits every source change', async () => {
    await waitFor(async () => {
      const [row] = await database.db('audit_entries').where({ entity_type: 'source' }).count<{ count: number }[]>({ count: '*' });
      return (row?.count ?? 0) >= 20 ? true : undefined;
    }, { what: 'the source audit entries' });
    const entries = await database.db('audit_entries').where({ entity_type: 'source' }).select('action', 'details');
    expect(new Set(entries.map((entry: { action: string }) => entry.action))).toEqual(new Set(['created', 'updated', 'deleted', 'paused', 'resumed', 'secret_rotated']));
    const logged = [...ingressLogs.lines, ...managementLogs.lines].join('\n');
    const audited = JSON.stringify(await database.db('audit_entries').select('*'));
    expect(secrets.length).toBeGreaterThan(5);
    for (const secret of secrets) {
      expect(logged).not.toContain(secret);
      expect(audited).not.toContain(secret);
    }
  });
});
