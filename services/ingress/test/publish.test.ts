// POST /api/v1/events and /events/batch: a workspace's own application publishes events, which are stored in
// its workspace as provider `api` and published on the broker exactly as a webhook's event is.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { publishIdempotencyScope } from '@hookway/contracts';
import { seedApiKey, seedWorkspace, waitFor } from '@hookway/testing';
import type { EventRow } from '@hookway/db';
import { countEvents, dataOf, errorOf, startHarness, takeMatching, type Harness } from './support.js';

interface PublishedData {
  id: string;
  workspaceId: string;
  provider: string;
  type: string;
  subject: string | null;
  occurredAt: string;
  status: string;
}


const HOUR_MS = 60 * 60 * 1000;

describe('the publish API', () => {
  let harness: Harness;
  /** How far the service's clock is ahead of the real one (the Idempotency-Key window reads it). */
  let clockOffsetMs = 0;
  let workspaceId: string;
  let otherWorkspaceId: string;
  let publishKey: string;
  let otherPublishKey: string;

  beforeAll(async () => {
    harness = await startHarness('ingresspublish', { now: () => new Date(Date.now() + clockOffsetMs) });
    workspaceId = await seedWorkspace(harness.database.db);
    otherWorkspaceId = await seedWorkspace(harness.database.db);
    publishKey = (await seedApiKey(harness.database.db, { workspaceId, scopes: ['events:publish'], name: 'billing app' })).key;
    otherPublishKey = (await seedApiKey(harness.database.db, { workspaceId: otherWorkspaceId, scopes: ['events:publish'] })).key;
  });

  afterAll(async () => {
    await harness.stop();
  });

  const publish = (body: unknown, { key = publishKey, idempotencyKey }: { key?: string | null; idempotencyKey?: string } = {}) => {
    const call = request(harness.url).post('/api/v1/events').set('content-type', 'application/json');
    if (key !== null) call.set('authorization', `Bearer ${key}`);
    if (idempotencyKey !== undefined) call.set('idempotency-key', idempotencyKey);
    return call.send(typeof body === 'string' ? body : JSON.stringify(body));
  };

  const publishBatch = (body: unknown, { key = publishKey, idempotencyKey }: { key?: string; idempotencyKey?: string } = {}) => {
    const call = request(harness.url).post('/api/v1/events/batch').set('content-type', 'application/json').set('authorization', `Bearer ${key}`);
    if (idempotencyKey !== undefined) call.set('idempotency-key', idempotencyKey);
    return call.send(JSON.stringify(body));
  };

  const eventRow = async (id: string): Promise<EventRow | undefined> =>
    (await harness.database.db('events').where({ id }).first()) as EventRow | undefined;

  const eventsOfType = async (type: string): Promise<EventRow[]> =>
    (await harness.database.db('events').where({ type }).orderBy('received_at')) as EventRow[];

  /** Runs a refused request and checks that it stored nothing. */
  const expectRefused = async (send: () => PromiseLike<request.Response>, status: number, code: string): Promise<request.Response> => {
    const before = await countEvents(harness.database);
    const response = await send();
    expect({ status: response.status, code: errorOf(response).code }).toEqual({ status, code });
    expect(await countEvents(harness.database)).toBe(before);
    return response;
  };

  describe('POST /api/v1/events', () => {
    it('when a key with events:publish sends an event, answers 202, stores it in the key\'s workspace as provider api and publishes the same message a webhook gets', async () => {
      const response = await publish({ type: 'invoice.paid', subject: 'inv_1', occurredAt: '2026-11-22T10:00:00+01:00', data: { amount: 5000 } })
        .set('x-request-id', 'req-publish-1');

      expect(response.status).toBe(202);
      const published = dataOf<PublishedData>(response);
      expect(response.body).toEqual({
        success: true,
        data: {
          id: expect.any(String), workspaceId, provider: 'api', type: 'invoice.paid', subject: 'inv_1',
          occurredAt: '2026-11-22T09:00:00.000Z', status: 'pending',
        },
        meta: {},
      });
      expect(response.headers['idempotent-replayed']).toBeUndefined();

      const row = await eventRow(published.id);
      expect(row).toMatchObject({
        workspace_id: workspaceId, provider: 'api', external_id: published.id, type: 'invoice.paid', subject: 'inv_1',
        data: { amount: 5000 }, status: 'pending', correlation_id: 'req-publish-1',
      });
      expect(row?.occurred_at.toISOString()).toBe('2026-11-22T09:00:00.000Z');
      // The snapshot keeps the request, never the key.
      expect(row?.raw_headers.authorization).toBe('[redacted]');
      expect(JSON.stringify(row?.raw_headers)).not.toContain(publishKey);
      expect(JSON.parse(row?.raw_body ?? '{}')).toEqual({ type: 'invoice.paid', subject: 'inv_1', occurredAt: '2026-11-22T10:00:00+01:00', data: { amount: 5000 } });

      const { topology } = harness.broker;
      const message = await takeMatching(harness.broker, topology.queues.events, (body) => body.eventId === published.id);
      expect(message.body).toEqual({ kind: 'event', eventId: published.id, provider: 'api', type: 'invoice.paid' });
      expect(message.properties).toMatchObject({ messageId: published.id, correlationId: 'req-publish-1' });
      const fact = await takeMatching(harness.broker, topology.queues.audit, (body) => body.factId === `event.received:${published.id}`);
      expect(fact.body).toMatchObject({ entityType: 'event', entityId: published.id, action: 'received', actor: 'provider:api', workspaceId });
      await waitFor(async () => (await eventRow(published.id))?.published_at ?? undefined, { what: 'published_at to be set' });
    });

    it('when subject and occurredAt are left out, stores a null subject and the time of receipt', async () => {
      const before = Date.now();
      const response = await publish({ type: 'user.signed_up', data: {} });
      expect(response.status).toBe(202);
      const published = dataOf<PublishedData>(response);
      expect(published.subject).toBeNull();
      expect(Date.parse(published.occurredAt)).toBeGreaterThanOrEqual(before);
      expect((await eventRow(published.id))?.occurred_at.toISOString()).toBe(published.occurredAt);
    });

    it('when the request has no key, a malformed one, an unknown one or a management secret, answers 401 and stores nothing', async () => {
      await expectRefused(() => publish({ type: 'a.b', data: {} }, { key: null }), 401, 'UNAUTHORIZED');
      await expectRefused(() => publish({ type: 'a.b', data: {} }, { key: 'hwk_short' }), 401, 'UNAUTHORIZED');
      await expectRefused(() => publish({ type: 'a.b', data: {} }, { key: `hwk_${'A'.repeat(43)}` }), 401, 'UNAUTHORIZED');
      await expectRefused(() => request(harness.url).post('/api/v1/events').set('x-internal-api-key', harness.config.managementApiKey).send({ type: 'a.b', data: {} }), 401, 'UNAUTHORIZED');
    });

    it('when a key is revoked, the very next request answers 401', async () => {
      const seeded = await seedApiKey(harness.database.db, { workspaceId, scopes: ['events:publish'] });
      expect((await publish({ type: 'a.b', data: {} }, { key: seeded.key })).status).toBe(202);
      await harness.database.db('api_keys').where({ id: seeded.id }).update({ revoked_at: harness.database.db.fn.now() });
      await expectRefused(() => publish({ type: 'a.b', data: {} }, { key: seeded.key }), 401, 'UNAUTHORIZED');
    });

    it('when the key lacks events:publish, answers 403 INSUFFICIENT_SCOPE and stores nothing', async () => {
      const reader = await seedApiKey(harness.database.db, { workspaceId, scopes: ['webhooks:read', 'webhooks:write'] });
      await expectRefused(() => publish({ type: 'a.b', data: {} }, { key: reader.key }), 403, 'INSUFFICIENT_SCOPE');
    });

    it.each([
      ['no type', { data: {} }, '/'],
      ['an empty type', { type: '', data: {} }, '/type'],
      ['a type with a space', { type: 'order created', data: {} }, '/type'],
      ['a type longer than 200 characters', { type: 'a'.repeat(201), data: {} }, '/type'],
      ['no data', { type: 'a.b' }, '/'],
      ['data that is not an object', { type: 'a.b', data: [1, 2] }, '/data'],
      ['an occurredAt without a time zone', { type: 'a.b', occurredAt: '2026-11-22T10:00:00', data: {} }, '/occurredAt'],
      ['an occurredAt that names no instant (a leap second)', { type: 'a.b', occurredAt: '2016-12-31T23:59:60Z', data: {} }, '/occurredAt'],
      ['a subject that is not a string', { type: 'a.b', subject: 42, data: {} }, '/subject'],
      ['an unknown top-level field', { type: 'a.b', data: {}, extra: true }, '/'],
    ])('when the body has %s, answers 400 INVALID_PAYLOAD naming where and stores nothing', async (_case, body, path) => {
      const response = await expectRefused(() => publish(body), 400, 'INVALID_PAYLOAD');
      expect(errorOf(response).details.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    });

    it('when the unknown field is refused, the error names it', async () => {
      const response = await expectRefused(() => publish({ type: 'a.b', data: {}, eventId: 'x' }), 400, 'INVALID_PAYLOAD');
      expect(errorOf(response).details.errors).toEqual([{ path: '/', message: 'unknown field "eventId"' }]);
    });

    it.each([
      ['not JSON', '{"type": '],
      ['a JSON array', '[]'],
      ['a value PostgreSQL cannot store (\\u0000)', JSON.stringify({ type: 'a.b', data: { text: 'nul \u0000 here' } })],
    ])('when the body is %s, answers 400 INVALID_PAYLOAD and stores nothing', async (_case, text) => {
      await expectRefused(() => publish(text), 400, 'INVALID_PAYLOAD');
    });

    it('when the body is larger than MAX_BODY_BYTES, answers 413 PAYLOAD_TOO_LARGE and stores nothing', async () => {
      const body = { type: 'a.b', data: { blob: 'x'.repeat(harness.config.maxBodyBytes) } };
      await expectRefused(() => publish(body), 413, 'PAYLOAD_TOO_LARGE');
    });
  });

  describe('Idempotency-Key', () => {
    it('when the same key comes again with the same body, answers with the first status and body, marked replayed, and stores one event', async () => {
      const body = { type: 'idem.same', subject: 's1', data: { n: 1 } };
      const first = await publish(body, { idempotencyKey: 'key-same-1' });
      // The same JSON value serialized otherwise (key order) is the same request.
      const second = await publish(JSON.stringify({ data: { n: 1 }, subject: 's1', type: 'idem.same' }), { idempotencyKey: 'key-same-1' });

      expect(first.status).toBe(202);
      expect(second.status).toBe(first.status);
      expect(second.text).toBe(first.text);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(await eventsOfType('idem.same')).toHaveLength(1);
      const stored = await harness.database.db('idempotency_keys').where({ scope: publishIdempotencyScope(workspaceId), key: 'key-same-1' }).first() as Record<string, unknown>;
      expect(stored).toMatchObject({ response_status: 202 });
    });

    it('when the same key comes again with another body, answers 409 IDEMPOTENCY_KEY_REUSED and stores nothing more', async () => {
      expect((await publish({ type: 'idem.diff', data: { n: 1 } }, { idempotencyKey: 'key-diff-1' })).status).toBe(202);
      await expectRefused(() => publish({ type: 'idem.diff', data: { n: 2 } }, { idempotencyKey: 'key-diff-1' }), 409, 'IDEMPOTENCY_KEY_REUSED');
      // A batch is another request, even with the same event in it.
      await expectRefused(() => publishBatch({ events: [{ type: 'idem.diff', data: { n: 1 } }] }, { idempotencyKey: 'key-diff-1' }), 409, 'IDEMPOTENCY_KEY_REUSED');
      expect(await eventsOfType('idem.diff')).toHaveLength(1);
    });

    it('when another workspace uses the same key, it is a key of its own', async () => {
      const body = { type: 'idem.workspaces', data: {} };
      const mine = await publish(body, { idempotencyKey: 'key-shared-name' });
      const theirs = await publish(body, { key: otherPublishKey, idempotencyKey: 'key-shared-name' });
      expect([mine.status, theirs.status]).toEqual([202, 202]);
      expect(theirs.headers['idempotent-replayed']).toBeUndefined();
      expect(dataOf<PublishedData>(theirs).workspaceId).toBe(otherWorkspaceId);
      expect(dataOf<PublishedData>(theirs).id).not.toBe(dataOf<PublishedData>(mine).id);
    });

    it('when 50 requests with one key arrive at once, stores exactly one event and all 50 get the same answer', async () => {
      const body = { type: 'idem.concurrent', data: { n: 50 } };
      const responses = await Promise.all(Array.from({ length: 50 }, () => publish(body, { idempotencyKey: 'key-concurrent-1' })));

      expect(new Set(responses.map((response) => response.status))).toEqual(new Set([202]));
      expect(new Set(responses.map((response) => response.text)).size).toBe(1);
      expect(responses.filter((response) => response.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
      const rows = await eventsOfType('idem.concurrent');
      expect(rows.map((row) => row.id)).toEqual([dataOf<PublishedData>(responses[0]!).id]);
    });

    it('when the key is longer than 255 characters or holds a space, answers 400 INVALID_IDEMPOTENCY_KEY and stores nothing', async () => {
      await expectRefused(() => publish({ type: 'a.b', data: {} }, { idempotencyKey: 'k'.repeat(256) }), 400, 'INVALID_IDEMPOTENCY_KEY');
      await expectRefused(() => publish({ type: 'a.b', data: {} }, { idempotencyKey: 'two words' }), 400, 'INVALID_IDEMPOTENCY_KEY');
      expect((await publish({ type: 'idem.longest', data: {} }, { idempotencyKey: 'k'.repeat(255) })).status).toBe(202);
    });

    it('when a request fails validation, the key is not used up', async () => {
      await expectRefused(() => publish({ type: 'idem.invalid' }, { idempotencyKey: 'key-after-400' }), 400, 'INVALID_PAYLOAD');
      const response = await publish({ type: 'idem.invalid', data: {} }, { idempotencyKey: 'key-after-400' });
      expect(response.status).toBe(202);
      expect(response.headers['idempotent-replayed']).toBeUndefined();
    });

    it('counts for 24 hours: a day later the same key makes a new event, and answers with that one from then on', async () => {
      const body = { type: 'idem.window', data: { n: 1 } };
      try {
        const first = await publish(body, { idempotencyKey: 'key-window-1' });
        clockOffsetMs = 24 * HOUR_MS - 60_000;
        const withinTheDay = await publish(body, { idempotencyKey: 'key-window-1' });
        expect(withinTheDay.text).toBe(first.text);
        expect(withinTheDay.headers['idempotent-replayed']).toBe('true');

        clockOffsetMs = 24 * HOUR_MS + 1_000;
        // Another body is no conflict either, once the window has closed.
        const nextDay = await publish({ ...body, data: { n: 2 } }, { idempotencyKey: 'key-window-1' });
        expect(nextDay.status).toBe(202);
        expect(nextDay.headers['idempotent-replayed']).toBeUndefined();
        expect(dataOf<PublishedData>(nextDay).id).not.toBe(dataOf<PublishedData>(first).id);
        const again = await publish({ ...body, data: { n: 2 } }, { idempotencyKey: 'key-window-1' });
        expect(again.text).toBe(nextDay.text);
        expect(await eventsOfType('idem.window')).toHaveLength(2);
      } finally {
        clockOffsetMs = 0;
      }
    });
  });

  describe('POST /api/v1/events/batch', () => {
    const item = (n: number, type = 'batch.item') => ({ type, subject: `s${n}`, data: { n } });

    it('when every event is valid, stores them all in one go and answers 202 with each, in order', async () => {
      const response = await publishBatch({ events: [item(1, 'batch.ok'), item(2, 'batch.ok'), item(3, 'batch.ok')] });
      expect(response.status).toBe(202);
      const published = dataOf<PublishedData[]>(response);
      expect(published.map((event) => event.subject)).toEqual(['s1', 's2', 's3']);
      expect(published.every((event) => event.workspaceId === workspaceId && event.provider === 'api' && event.status === 'pending')).toBe(true);
      const rows = await eventsOfType('batch.ok');
      expect(rows.map((row) => row.id).sort()).toEqual(published.map((event) => event.id).sort());
      // Each event keeps its own item as its raw body.
      expect(JSON.parse((await eventRow(published[1]!.id))?.raw_body ?? '{}')).toEqual(item(2, 'batch.ok'));
      for (const event of published) {
        await takeMatching(harness.broker, harness.broker.topology.queues.events, (body) => body.eventId === event.id);
      }
    });

    it('when one event is invalid, answers 400 naming its index and stores none of them', async () => {
      const response = await expectRefused(
        () => publishBatch({ events: [item(1, 'batch.bad'), { type: 'batch.bad', data: 'nope' }, item(3, 'batch.bad')] }),
        400, 'INVALID_PAYLOAD',
      );
      expect(errorOf(response).details.index).toBe(1);
      expect(errorOf(response).details.errors).toEqual([{ path: '/events/1/data', message: 'must be object' }]);
      expect(await eventsOfType('batch.bad')).toHaveLength(0);
    });

    it('when one event holds a value PostgreSQL refuses, stores none of them', async () => {
      await expectRefused(() => publishBatch({ events: [item(1, 'batch.nul'), { type: 'batch.nul', data: { t: '\u0000' } }] }), 400, 'INVALID_PAYLOAD');
      expect(await eventsOfType('batch.nul')).toHaveLength(0);
    });

    it.each([
      ['no events', { events: [] }],
      ['101 events', { events: Array.from({ length: 101 }, (_, n) => item(n)) }],
      ['no events field', { items: [item(1)] }],
    ])('when the batch has %s, answers 400 INVALID_PAYLOAD', async (_case, body) => {
      await expectRefused(() => publishBatch(body), 400, 'INVALID_PAYLOAD');
    });

    it('takes 100 events', async () => {
      const response = await publishBatch({ events: Array.from({ length: 100 }, (_, n) => item(n, 'batch.hundred')) });
      expect(response.status).toBe(202);
      expect(await eventsOfType('batch.hundred')).toHaveLength(100);
    });

    it('when the batch carries an Idempotency-Key, a retry gets the same list and stores nothing more', async () => {
      const body = { events: [item(1, 'batch.idem'), item(2, 'batch.idem')] };
      const first = await publishBatch(body, { idempotencyKey: 'batch-key-1' });
      const second = await publishBatch(body, { idempotencyKey: 'batch-key-1' });
      expect(first.status).toBe(202);
      expect(second.text).toBe(first.text);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(await eventsOfType('batch.idem')).toHaveLength(2);
    });
  });

  describe('per-key rate limit', () => {
    it('when a key with a limit is over it, answers 429 RATE_LIMITED with retry-after and RateLimit headers, and stores nothing', async () => {
      // One token per 100 s: the bucket cannot refill while the test runs.
      const limited = await seedApiKey(harness.database.db, { workspaceId, scopes: ['events:publish'], rateLimit: { perSecond: 0.01, burst: 2 } });
      const first = await publish({ type: 'limited.a', data: {} }, { key: limited.key });
      const second = await publish({ type: 'limited.a', data: {} }, { key: limited.key });
      expect([first.status, second.status]).toEqual([202, 202]);
      expect(first.headers).toMatchObject({ 'ratelimit-limit': '2', 'ratelimit-remaining': '1' });
      expect(second.headers).toMatchObject({ 'ratelimit-limit': '2', 'ratelimit-remaining': '0' });

      const refused = await expectRefused(() => publish({ type: 'limited.a', data: {} }, { key: limited.key }), 429, 'RATE_LIMITED');
      expect(refused.headers).toMatchObject({ 'ratelimit-limit': '2', 'ratelimit-remaining': '0' });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.headers['ratelimit-reset']).toBe(refused.headers['retry-after']);

      // Other keys keep their own budgets.
      expect((await publish({ type: 'limited.a', data: {} })).status).toBe(202);
      expect((await publish({ type: 'limited.a', data: {} })).headers['ratelimit-limit']).toBeUndefined();
    });
  });
});
