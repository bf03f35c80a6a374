// GET /api/v1/events for a workspace key, and the workspace of webhook events: each workspace sees only its
// own events, a page at a time behind an opaque cursor, and a source's webhooks belong to the source's workspace.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { DEFAULT_MAPPINGS, DEFAULT_WORKSPACE_ID } from '@hookway/contracts';
import { captureLogger, seedApiKey, seedWorkspace, waitFor } from '@hookway/testing';
import { acmeBody, acmeSignature, dataOf, errorOf, startHarness, takeMatching, type Harness } from './support.js';

interface ListedEvent {
  id: string;
  workspaceId: string;
  provider: string;
  externalId: string;
  type: string;
  occurredAt: string;
  subject: string | null;
  data: unknown;
  status: string;
  receivedAt: string;
  createdAt: string;
  updatedAt: string;
}

interface ListMeta {
  limit: number;
  next_cursor: string | null;
}

describe('GET /api/v1/events', () => {
  let harness: Harness;
  let workspaceId: string;
  let otherWorkspaceId: string;
  let key: string;
  let otherKey: string;
  /** Ids of this workspace's events, newest first, as the database orders them. */
  let mine: string[];
  let theirs: string[];

  const publish = (apiKey: string, body: unknown) =>
    request(harness.url).post('/api/v1/events').set('authorization', `Bearer ${apiKey}`).send(body as object);

  const publishBatch = async (apiKey: string, events: unknown[]): Promise<string[]> => {
    const response = await request(harness.url).post('/api/v1/events/batch').set('authorization', `Bearer ${apiKey}`).send({ events });
    expect(response.status).toBe(202);
    return dataOf<{ id: string }[]>(response).map((event) => event.id);
  };

  const list = (apiKey: string, query: Record<string, string> = {}) =>
    request(harness.url).get('/api/v1/events').query(query).set('authorization', `Bearer ${apiKey}`);

  const newestFirst = async (workspace: string): Promise<string[]> =>
    (await harness.database.db('events').where({ workspace_id: workspace }).orderBy([{ column: 'received_at', order: 'desc' }, { column: 'id', order: 'desc' }]).pluck('id')) as string[];

  /** Follows next_cursor from the first page to the last, `between` running after each page. */
  const walk = async (apiKey: string, query: Record<string, string>, between: () => Promise<void> = async () => undefined): Promise<string[]> => {
    const seen: string[] = [];
    let cursor: string | null | undefined;
    do {
      const response = await list(apiKey, { ...query, ...(cursor ? { cursor } : {}) });
      expect(response.status).toBe(200);
      seen.push(...dataOf<ListedEvent[]>(response).map((event) => event.id));
      cursor = (response.body as { meta: ListMeta }).meta.next_cursor;
      await between();
    } while (cursor);
    return seen;
  };

  beforeAll(async () => {
    harness = await startHarness('ingresslisting');
    const { db } = harness.database;
    workspaceId = await seedWorkspace(db);
    otherWorkspaceId = await seedWorkspace(db);
    key = (await seedApiKey(db, { workspaceId, scopes: ['events:publish', 'webhooks:read'] })).key;
    otherKey = (await seedApiKey(db, { workspaceId: otherWorkspaceId, scopes: ['events:publish', 'webhooks:read'] })).key;

    // A batch's events share one received_at (one statement): the id breaks the tie.
    await publishBatch(key, Array.from({ length: 5 }, (_, n) => ({ type: 'list.batch', subject: `Order-${n}`, data: { n } })));
    for (let n = 0; n < 3; n += 1) {
      expect((await publish(key, { type: 'list.single', subject: `invoice_${n}`, occurredAt: `2026-0${n + 1}-15T12:00:00Z`, data: { n } })).status).toBe(202);
    }
    await publishBatch(otherKey, Array.from({ length: 4 }, (_, n) => ({ type: 'list.batch', subject: `Order-${n}`, data: { n } })));
    mine = await newestFirst(workspaceId);
    theirs = await newestFirst(otherWorkspaceId);
  });

  afterAll(async () => {
    await harness.stop();
  });

  it('answers the workspace\'s events newest first, each as management shows an event plus its workspace', async () => {
    const response = await list(key);
    expect(response.status).toBe(200);
    const events = dataOf<ListedEvent[]>(response);
    expect(events.map((event) => event.id)).toEqual(mine);
    expect((response.body as { meta: ListMeta }).meta).toEqual({ limit: 50, next_cursor: null });
    expect(events[0]).toEqual({
      id: mine[0], workspaceId, provider: 'api', externalId: mine[0], type: 'list.single', occurredAt: '2026-03-15T12:00:00.000Z',
      subject: 'invoice_2', data: { n: 2 }, status: 'pending', receivedAt: expect.any(String), createdAt: expect.any(String), updatedAt: expect.any(String),
    });
  });

  it('walks every event of the workspace exactly once, page by page, and never one of another workspace', async () => {
    const seen = await walk(key, { limit: '3' });
    expect(seen).toEqual(mine);
    expect(seen.filter((id) => theirs.includes(id))).toEqual([]);
    expect(await walk(otherKey, { limit: '1' })).toEqual(theirs);
  });

  it('keeps its pages when events arrive during the walk: the new ones come before the first page, never between two', async () => {
    const added: string[] = [];
    const seen = await walk(key, { limit: '2' }, async () => {
      added.push(...await publishBatch(key, [{ type: 'list.late', data: {} }]));
    });
    expect(seen).toEqual(mine);
    expect(seen.filter((id) => added.includes(id))).toEqual([]);
    expect((await newestFirst(workspaceId)).slice(0, added.length).sort()).toEqual([...added].sort());
    mine = await newestFirst(workspaceId);
  });

  it.each([
    [{ eventType: 'list.single' }, (event: ListedEvent) => event.type === 'list.single'],
    [{ subject: 'order-' }, (event: ListedEvent) => event.subject?.toLowerCase().includes('order-') === true],
    [{ provider: 'api', status: 'pending' }, () => true],
    [{ from: '2026-02-01T00:00:00Z', to: '2026-02-28T00:00:00Z' }, (event: ListedEvent) => event.subject === 'invoice_1'],
  ])('with the filters %j, answers exactly the matching events across pages', async (filters, matches) => {
    const all = dataOf<ListedEvent[]>(await list(key, { limit: '100' }));
    const expected = all.filter(matches).map((event) => event.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(await walk(key, { ...filters, limit: '2' })).toEqual(expected);
  });

  it('when a filter matches nothing in this workspace (provider acme), answers an empty page', async () => {
    const response = await list(key, { provider: 'acme' });
    expect(response.status).toBe(200);
    expect(dataOf<ListedEvent[]>(response)).toEqual([]);
    expect((response.body as { meta: ListMeta }).meta.next_cursor).toBeNull();
  });

  it.each([
    [{ limit: '0' }], [{ limit: '101' }], [{ limit: 'ten' }], [{ status: 'lost' }], [{ from: 'yesterday' }],
    [{ from: '2026-03-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }], [{ page: '2' }],
    // Values PostgreSQL would refuse are refused here, never a 500.
    [{ subject: 'nul\u0000byte' }], [{ from: '0000-06-01T00:00:00Z' }],
  ])('when the query is %j, answers 400 INVALID_QUERY', async (query) => {
    const response = await list(key, query);
    expect({ status: response.status, code: errorOf(response).code }).toEqual({ status: 400, code: 'INVALID_QUERY' });
  });

  it('when a query parameter is repeated, answers 400 INVALID_QUERY', async () => {
    const response = await request(harness.url).get('/api/v1/events?status=pending&status=failed').set('authorization', `Bearer ${key}`);
    expect({ status: response.status, code: errorOf(response).code }).toEqual({ status: 400, code: 'INVALID_QUERY' });
  });

  it.each([
    ['not base64url', 'not a cursor!'],
    ['base64url of something else', Buffer.from('hello|world').toString('base64url')],
    ['an impossible time', Buffer.from(`2026-02-30T00:00:00.000000Z|${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`).toString('base64url')],
    ['a time before year 1', Buffer.from(`0000-01-01T00:00:00.000000Z|${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`).toString('base64url')],
  ])('when the cursor is %s, answers 400 INVALID_CURSOR', async (_case, cursor) => {
    const response = await list(key, { cursor });
    expect({ status: response.status, code: errorOf(response).code }).toEqual({ status: 400, code: 'INVALID_CURSOR' });
  });

  it('when another workspace\'s cursor is used, it is only a position: the answer holds this workspace\'s events', async () => {
    const theirPage = await list(otherKey, { limit: '1' });
    const cursor = (theirPage.body as { meta: ListMeta }).meta.next_cursor;
    expect(cursor).toEqual(expect.any(String));
    const response = await list(key, { cursor: cursor! });
    expect(response.status).toBe(200);
    expect(dataOf<ListedEvent[]>(response).every((event) => event.workspaceId === workspaceId)).toBe(true);
  });

  it('when the key lacks webhooks:read, answers 403 INSUFFICIENT_SCOPE; without a key, 401', async () => {
    const publisher = await seedApiKey(harness.database.db, { workspaceId, scopes: ['events:publish'] });
    const forbidden = await list(publisher.key);
    expect({ status: forbidden.status, code: errorOf(forbidden).code }).toEqual({ status: 403, code: 'INSUFFICIENT_SCOPE' });
    const anonymous = await request(harness.url).get('/api/v1/events');
    expect({ status: anonymous.status, code: errorOf(anonymous).code }).toEqual({ status: 401, code: 'UNAUTHORIZED' });
  });
});

describe('the workspace of webhook events', () => {
  let harness: Harness;
  const logs = captureLogger('ingress', 'info');

  beforeAll(async () => {
    harness = await startHarness('ingressworkspacesources', { logger: logs.logger });
  });

  afterAll(async () => {
    await harness.stop();
  });

  /** A source that takes any request (verifier none), in the default workspace unless one is named. */
  const sourceRow = (key: string, workspaceId?: string) => ({
    key,
    name: key,
    verifier: JSON.stringify({ type: 'none' }),
    mapping: JSON.stringify(DEFAULT_MAPPINGS.none),
    ...(workspaceId ? { workspace_id: workspaceId } : {}),
  });

  /** Posts to a source until the catalog serves it (it reloads when PostgreSQL notifies the change). */
  const postOnceServed = (source: string, body: Record<string, unknown>) =>
    waitFor(async () => {
      const response = await request(harness.url).post(`/api/v1/webhooks/${source}`).send(body);
      return response.status === 404 ? undefined : response;
    }, { what: `source ${source} to be served` });

  it('a webhook through a source of workspace X is stored in X, and X\'s key lists it', async () => {
    const workspaceId = await seedWorkspace(harness.database.db);
    await harness.database.db('sources').insert(sourceRow('team-x-feed', workspaceId));
    const response = await postOnceServed('team-x-feed', { id: 'x-1', type: 'shipment.sent', amount: 3 });
    expect(response.status).toBe(202);
    const { eventId } = dataOf(response);
    expect(await harness.database.db('events').where({ id: eventId }).first()).toMatchObject({ workspace_id: workspaceId, provider: 'team-x-feed' });
    const fact = await takeMatching(harness.broker, harness.broker.topology.queues.audit, (body) => body.factId === `event.received:${eventId}`);
    expect(fact.body).toMatchObject({ actor: 'provider:team-x-feed', workspaceId });

    const reader = await seedApiKey(harness.database.db, { workspaceId, scopes: ['webhooks:read'] });
    const listed = await request(harness.url).get('/api/v1/events').set('authorization', `Bearer ${reader.key}`);
    expect(dataOf<ListedEvent[]>(listed).map((event) => [event.id, event.provider, event.workspaceId])).toEqual([[eventId, 'team-x-feed', workspaceId]]);
  });

  it('the built-in acme source stays in the default workspace', async () => {
    const text = JSON.stringify(acmeBody());
    const response = await request(harness.url).post('/api/v1/webhooks/acme').set('content-type', 'application/json')
      .set('x-acme-signature', acmeSignature(harness.config, text)).send(text);
    expect(response.status).toBe(202);
    expect(await harness.database.db('events').where({ id: dataOf(response).eventId }).first()).toMatchObject({ workspace_id: DEFAULT_WORKSPACE_ID });
  });

  it('a source row keyed "api" is never served: its webhooks cannot pass for a workspace\'s published events', async () => {
    // One statement: one notification, and no reload can see one row without the other.
    await harness.database.db('sources').insert([sourceRow('api'), sourceRow('beside-api')]);
    // The reload that serves the source beside it has read the "api" row too.
    expect((await postOnceServed('beside-api', { id: 'b-1', type: 'a.b' })).status).toBe(202);
    const response = await request(harness.url).post('/api/v1/webhooks/api').send({ id: 'forged-1', type: 'invoice.paid' });
    expect({ status: response.status, code: errorOf(response).code }).toEqual({ status: 404, code: 'UNKNOWN_PROVIDER' });
    expect(await harness.database.db('events').where({ provider: 'api' }).count<{ count: number }[]>({ count: '*' })).toEqual([{ count: 0 }]);
    expect(logs.lines.some((line) => line.includes('its key is reserved for published events'))).toBe(true);
  });
});
