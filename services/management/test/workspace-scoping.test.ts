// Every management route family, narrowed to a workspace (a workspace API key, or a JWT with a `workspace` claim):
// another workspace's id answers 404 exactly as an unknown id, listings, counts and stats cover only the caller's
// rows, new rows land in the caller's workspace, and the operator still sees every workspace and can filter by one.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { EventSource } from 'eventsource';
import type request from 'supertest';
import { DEFAULT_MAPPINGS, DEFAULT_WORKSPACE_ID } from '@hookway/contracts';
import { generateSigningSecret, SecretBox } from '@hookway/signing';
import type { Knex } from '@hookway/db';
import { seedApiKey, seedIntegration, seedWorkspace, waitFor } from '@hookway/testing';
import {
  appendAuditChain, dataOf, errorOf, insertAttempt, insertEvent, insertJob, integrationBody, metaOf, publishedFacts, startManagement,
  type ManagementFixture, type SeedAuditFact,
} from './management-fixture.js';
import { expectDocumented, narrowedBearer } from './workspace-helpers.js';

/** One workspace's key and rows. */
interface World {
  label: string;
  workspaceId: string;
  keyName: string;
  authorization: string;
  sourceKey: string;
  sourceId: string;
  integrationId: string;
  eventId: string;
  deadEventId: string;
  jobId: string;
  deadJobId: string;
  attemptId: string;
}

type Method = 'get' | 'post' | 'patch' | 'delete';

interface Call {
  method: Method;
  /** The path under /api/v1, with `:id` where the id goes. */
  path: string;
  body?: Record<string, unknown>;
}

describe('workspace scoping of the management routes', () => {
  let fx: ManagementFixture;
  let box: SecretBox;
  let a: World;
  let b: World;
  const opened: EventSource[] = [];

  /** A request as the world's workspace key, or (no world) as the operator's API key. */
  const as = (world: World | undefined, method: Method, path: string): request.Test => {
    const test = fx.http[method](`/api/v1${path}`);
    return world ? test.set('authorization', world.authorization) : test.set('x-internal-api-key', fx.config.managementApiKey);
  };

  const send = (world: World | undefined, call: Call, id: string): request.Test => {
    const test = as(world, call.method, call.path.replace(':id', id));
    return call.body ? test.send(call.body) : test;
  };

  async function eventIn(workspaceId: string, seed: Parameters<typeof insertEvent>[1] = {}): Promise<string> {
    const id = await insertEvent(fx.db, seed);
    await fx.db('events').where({ id }).update({ workspace_id: workspaceId });
    return id;
  }

  async function seedWorld(label: string): Promise<World> {
    const workspaceId = await seedWorkspace(fx.db, { slug: `${label}-${randomUUID().slice(0, 6)}` });
    const keyName = `${label} team key`;
    const { key } = await seedApiKey(fx.db, { workspaceId, name: keyName, scopes: ['webhooks:read', 'webhooks:write'] });
    const sourceKey = `${label}-shop`;
    const [source] = await fx.db('sources').insert({
      workspace_id: workspaceId, key: sourceKey, name: `${label} shop`, verifier: JSON.stringify({ type: 'none' }),
      mapping: JSON.stringify(DEFAULT_MAPPINGS.none),
    }).returning<{ id: string }[]>('id');
    const integrationId = await seedIntegration(fx.db, {
      workspaceId, name: `${label} orders`, provider: sourceKey, url: 'http://127.0.0.1:9/hook', eventTypes: ['order.*'],
      secretSealed: box.seal(generateSigningSecret()),
    });
    const eventId = await eventIn(workspaceId, { provider: sourceKey, type: `order.${label}`, status: 'failed' });
    const jobId = await insertJob(fx.db, { eventId, integrationId, status: 'succeeded', attemptCount: 1, completedAt: new Date().toISOString() });
    const attemptId = await insertAttempt(fx.db, { jobId, eventId, integrationId, attemptNumber: 1, status: 'success', statusCode: 200 });
    const deadEventId = await eventIn(workspaceId, { provider: sourceKey, type: `order.${label}`, status: 'failed' });
    const deadJobId = await insertJob(fx.db, { eventId: deadEventId, integrationId, status: 'dead', attemptCount: 3, completedAt: new Date().toISOString() });
    await insertAttempt(fx.db, { jobId: deadJobId, eventId: deadEventId, integrationId, attemptNumber: 1, status: 'failed', statusCode: 500 });
    return {
      label, workspaceId, keyName, authorization: `Bearer ${key}`, sourceKey, sourceId: source!.id, integrationId, eventId, deadEventId, jobId, deadJobId,
      attemptId,
    };
  }

  /**
   * The answer to another workspace's id is the answer to an id that does not exist: same status, same body but for
   * the id itself (and the request id every error carries nowhere in its body).
   */
  async function expectSameAsUnknown(caller: World, call: Call, othersId: string): Promise<void> {
    const unknown = randomUUID();
    const [theirs, missing] = await Promise.all([send(caller, call, othersId), send(caller, call, unknown)]);
    const label = `${call.method.toUpperCase()} ${call.path}`;
    expect([label, theirs.status]).toEqual([label, 404]);
    expect([label, JSON.stringify(theirs.body).replaceAll(othersId, '<id>')]).toEqual([label, JSON.stringify(missing.body).replaceAll(unknown, '<id>')]);
  }

  /** The rows a workspace's id may not reach through another workspace's key: compared before and after. */
  const rowsOf = async (world: World): Promise<unknown> => ({
    integrations: await fx.db('integrations').where({ workspace_id: world.workspaceId }).orderBy('id'),
    sources: await fx.db('sources').where({ workspace_id: world.workspaceId }).orderBy('id'),
    events: await fx.db('events').where({ workspace_id: world.workspaceId }).orderBy('id'),
    jobs: await fx.db('delivery_jobs').whereIn('event_id', fx.db('events').select('id').where({ workspace_id: world.workspaceId })).orderBy('id'),
    attempts: await fx.db('delivery_attempts').whereIn('event_id', fx.db('events').select('id').where({ workspace_id: world.workspaceId })).orderBy('id'),
    replays: await fx.db('replay_requests').whereIn('event_id', fx.db('events').select('id').where({ workspace_id: world.workspaceId })).orderBy('id'),
  });

  beforeAll(async () => {
    fx = await startManagement('mgmt-wsscope', { STREAM_HEARTBEAT: '100ms', STREAM_POLL_INTERVAL: '20ms' });
    box = new SecretBox(fx.config.secretEncryptionKey);
    a = await seedWorld('alpha');
    b = await seedWorld('beta');
  });

  afterAll(async () => {
    for (const source of opened) source.close();
    await fx.close();
  });

  describe('integrations', () => {
    it('a workspace key lists only its own; the operator lists every workspace and filters by workspaceId', async () => {
      const ids = async (world: World | undefined, query = ''): Promise<string[]> =>
        dataOf<{ id: string }[]>(expectDocumented('GET /integrations', await as(world, 'get', `/integrations${query}`))).map((item) => item.id);
      expect(await ids(a)).toEqual([a.integrationId]);
      expect(await ids(b)).toEqual([b.integrationId]);
      expect(await ids(undefined)).toEqual(expect.arrayContaining([a.integrationId, b.integrationId]));
      expect(await ids(undefined, `?workspaceId=${b.workspaceId}`)).toEqual([b.integrationId]);
      expect(await ids(a, `?workspaceId=${a.workspaceId}`)).toEqual([a.integrationId]);
      // Naming another workspace lists nothing, whether or not it exists.
      expect(await ids(a, `?workspaceId=${b.workspaceId}`)).toEqual([]);
      expect(await ids(a, `?workspaceId=${randomUUID()}`)).toEqual([]);
      const listed = await as(a, 'get', '/integrations');
      expect([dataOf<{ workspaceId: string }[]>(listed)[0]?.workspaceId, metaOf(listed)]).toEqual([a.workspaceId, { total: 1 }]);
    });

    it('another workspace\'s integration answers 404 INTEGRATION_NOT_FOUND exactly as an unknown id, on every route, and is left alone', async () => {
      const before = await rowsOf(b);
      const calls: Call[] = [
        { method: 'get', path: '/integrations/:id' },
        { method: 'patch', path: '/integrations/:id', body: { description: 'taken over' } },
        { method: 'delete', path: '/integrations/:id' },
        { method: 'post', path: '/integrations/:id/pause' },
        { method: 'post', path: '/integrations/:id/resume' },
        { method: 'post', path: '/integrations/:id/rotate-secret' },
        { method: 'post', path: '/integrations/:id/test' },
        { method: 'post', path: '/integrations/:id/verify' },
        { method: 'post', path: '/integrations/:id/filter-test', body: { event: { type: 'order.created' } } },
        { method: 'get', path: '/integrations/:id/stats' },
        { method: 'delete', path: '/integrations/:id/deliveries' },
      ];
      for (const call of calls) await expectSameAsUnknown(a, call, b.integrationId);
      expect(errorOf(await as(a, 'get', `/integrations/${b.integrationId}`)).code).toBe('INTEGRATION_NOT_FOUND');
      expect(await rowsOf(b)).toEqual(before);
    });

    it('a workspace key creates in its own workspace, audited with it; a source of another workspace is no provider for it', async () => {
      const created = expectDocumented('POST /integrations', await as(a, 'post', '/integrations').send(integrationBody({ name: 'alpha billing', provider: a.sourceKey })));
      const integration = dataOf<{ id: string; workspaceId: string }>(created);
      expect([created.status, integration.workspaceId]).toEqual([201, a.workspaceId]);
      expect(await fx.db('integrations').where({ id: integration.id }).first()).toMatchObject({ workspace_id: a.workspaceId });
      const fact = (await publishedFacts(fx)).find((published) => published.factId.startsWith(`integration.created:${integration.id}:`));
      expect(fact).toMatchObject({ actor: a.keyName, workspaceId: a.workspaceId });

      // Published events (provider `api`) are every workspace's own.
      const published = await as(a, 'post', '/integrations').send(integrationBody({ name: 'alpha api', provider: 'api' }));
      expect([published.status, dataOf<{ workspaceId: string }>(published).workspaceId]).toEqual([201, a.workspaceId]);

      const foreign = await as(a, 'post', '/integrations').send(integrationBody({ provider: b.sourceKey }));
      expect([foreign.status, errorOf(foreign).code, errorOf(foreign).details.errors?.[0]?.path]).toEqual([400, 'VALIDATION_ERROR', '/provider']);
      expect(await fx.db('integrations').where({ provider: b.sourceKey })).toHaveLength(1);
    });

    it('naming another workspace in the body answers 404 WORKSPACE_NOT_FOUND, exactly as a workspace that does not exist', async () => {
      const unknown = randomUUID();
      const [theirs, missing] = await Promise.all([
        as(a, 'post', '/integrations').send(integrationBody({ provider: a.sourceKey, workspaceId: b.workspaceId })),
        as(a, 'post', '/integrations').send(integrationBody({ provider: a.sourceKey, workspaceId: unknown })),
      ]);
      expectDocumented('POST /integrations', theirs);
      expect([theirs.status, errorOf(theirs).code]).toEqual([404, 'WORKSPACE_NOT_FOUND']);
      expect(JSON.stringify(theirs.body).replaceAll(b.workspaceId, '<id>')).toBe(JSON.stringify(missing.body).replaceAll(unknown, '<id>'));
      const own = await as(a, 'post', '/integrations').send(integrationBody({ name: 'alpha named', provider: a.sourceKey, workspaceId: a.workspaceId }));
      expect([own.status, dataOf<{ workspaceId: string }>(own).workspaceId]).toEqual([201, a.workspaceId]);
    });

    it('the operator creates in the workspace it names, in the default workspace without one, and gets 404 for an unknown one', async () => {
      const named = await as(undefined, 'post', '/integrations').send(integrationBody({ name: 'ops for beta', provider: b.sourceKey, workspaceId: b.workspaceId }));
      expect([named.status, dataOf<{ workspaceId: string }>(named).workspaceId]).toEqual([201, b.workspaceId]);
      const fact = (await publishedFacts(fx)).find((published) => published.factId.startsWith(`integration.created:${dataOf<{ id: string }>(named).id}:`));
      expect(fact).toMatchObject({ actor: 'api-key', workspaceId: b.workspaceId });

      const plain = await as(undefined, 'post', '/integrations').send(integrationBody({ name: 'ops default' }));
      expect([plain.status, dataOf<{ workspaceId: string }>(plain).workspaceId]).toEqual([201, DEFAULT_WORKSPACE_ID]);

      const unknown = await as(undefined, 'post', '/integrations').send(integrationBody({ workspaceId: randomUUID() }));
      expect([unknown.status, errorOf(unknown).code]).toEqual([404, 'WORKSPACE_NOT_FOUND']);
    });

    it('keeps Idempotency-Keys per workspace: the same key and body in two workspaces creates two integrations', async () => {
      const body = integrationBody({ name: 'twice', provider: 'api' });
      const first = await as(a, 'post', '/integrations').set('idempotency-key', 'shared-key').send(body);
      const second = await as(b, 'post', '/integrations').set('idempotency-key', 'shared-key').send(body);
      expect([first.status, second.status, second.headers['idempotent-replayed']]).toEqual([201, 201, undefined]);
      const [ofA, ofB] = [dataOf<{ id: string; secret: string; workspaceId: string }>(first), dataOf<{ id: string; secret: string; workspaceId: string }>(second)];
      expect(ofB.id).not.toBe(ofA.id);
      expect(ofB.secret).not.toBe(ofA.secret);
      expect([ofA.workspaceId, ofB.workspaceId]).toEqual([a.workspaceId, b.workspaceId]);
      const replayed = await as(a, 'post', '/integrations').set('idempotency-key', 'shared-key').send(body);
      expect([replayed.headers['idempotent-replayed'], dataOf<{ id: string }>(replayed).id]).toEqual(['true', ofA.id]);
    });
  });

  describe('sources', () => {
    it('a workspace key lists only its own sources; the operator lists them all (the built-in ones included) and filters', async () => {
      const keys = async (world: World | undefined, query = ''): Promise<string[]> =>
        dataOf<{ key: string }[]>(expectDocumented('GET /sources', await as(world, 'get', `/sources${query}`))).map((source) => source.key);
      expect(await keys(a)).toEqual([a.sourceKey]);
      expect(await keys(undefined)).toEqual(expect.arrayContaining(['acme', 'globex', a.sourceKey, b.sourceKey]));
      expect(await keys(undefined, `?workspaceId=${b.workspaceId}`)).toEqual([b.sourceKey]);
      expect(await keys(undefined, `?workspaceId=${DEFAULT_WORKSPACE_ID}`)).toEqual(expect.arrayContaining(['acme', 'globex']));
      expect(await keys(a, `?workspaceId=${b.workspaceId}`)).toEqual([]);
      expect(dataOf<{ workspaceId: string }>(await as(a, 'get', `/sources/${a.sourceId}`)).workspaceId).toBe(a.workspaceId);
    });

    it('another workspace\'s source answers 404 SOURCE_NOT_FOUND exactly as an unknown id, on every route, and is left alone', async () => {
      const before = await rowsOf(b);
      const calls: Call[] = [
        { method: 'get', path: '/sources/:id' },
        { method: 'patch', path: '/sources/:id', body: { name: 'taken over' } },
        { method: 'delete', path: '/sources/:id' },
        { method: 'post', path: '/sources/:id/pause' },
        { method: 'post', path: '/sources/:id/resume' },
        { method: 'post', path: '/sources/:id/rotate-secret', body: {} },
      ];
      for (const call of calls) await expectSameAsUnknown(a, call, b.sourceId);
      expect(errorOf(await as(a, 'get', `/sources/${b.sourceId}`)).code).toBe('SOURCE_NOT_FOUND');
      expect(await rowsOf(b)).toEqual(before);
    });

    it('a workspace key creates in its own workspace; keys stay global (409 SOURCE_KEY_TAKEN) and `api` is reserved (409 SOURCE_KEY_RESERVED)', async () => {
      const created = expectDocumented('POST /sources', await as(a, 'post', '/sources').send({ key: 'alpha-github', name: 'github', verifier: { type: 'github' } }));
      expect([created.status, dataOf<{ workspaceId: string }>(created).workspaceId]).toEqual([201, a.workspaceId]);
      const fact = (await publishedFacts(fx)).find((published) => published.factId.startsWith(`source.created:${dataOf<{ id: string }>(created).id}:`));
      expect(fact).toMatchObject({ actor: a.keyName, workspaceId: a.workspaceId });

      const taken = expectDocumented('POST /sources', await as(a, 'post', '/sources').send({ key: b.sourceKey, name: 'mine now', verifier: { type: 'none' } }));
      expect([taken.status, errorOf(taken).code]).toEqual([409, 'SOURCE_KEY_TAKEN']);
      for (const caller of [a, undefined]) {
        const reserved = expectDocumented('POST /sources', await as(caller, 'post', '/sources').send({ key: 'api', name: 'api', verifier: { type: 'none' } }));
        expect([reserved.status, errorOf(reserved).code]).toEqual([409, 'SOURCE_KEY_RESERVED']);
      }
      const elsewhere = expectDocumented('POST /sources', await as(a, 'post', '/sources').send({ key: 'alpha-x', name: 'x', verifier: { type: 'none' }, workspaceId: b.workspaceId }));
      expect([elsewhere.status, errorOf(elsewhere).code]).toEqual([404, 'WORKSPACE_NOT_FOUND']);
      expect(await fx.db('sources').where({ key: 'alpha-x' })).toHaveLength(0);

      const operators = await as(undefined, 'post', '/sources').send({ key: 'beta-stripe', name: 'stripe', verifier: { type: 'stripe' }, workspaceId: b.workspaceId });
      expect([operators.status, dataOf<{ workspaceId: string }>(operators).workspaceId]).toEqual([201, b.workspaceId]);
    });
  });

  describe('events', () => {
    it('lists only the caller\'s events and event types; the operator lists every workspace\'s and filters', async () => {
      const ids = async (world: World | undefined, query = ''): Promise<string[]> =>
        dataOf<{ id: string }[]>(expectDocumented('GET /events', await as(world, 'get', `/events${query}`))).map((event) => event.id);
      const ofA = [a.eventId, a.deadEventId].sort();
      expect((await ids(a)).sort()).toEqual(ofA);
      expect(metaOf(await as(a, 'get', '/events'))).toMatchObject({ total: 2 });
      expect(await ids(undefined)).toEqual(expect.arrayContaining([...ofA, b.eventId, b.deadEventId]));
      expect((await ids(undefined, `?workspaceId=${a.workspaceId}`)).sort()).toEqual(ofA);
      expect(await ids(b, `?workspaceId=${a.workspaceId}`)).toEqual([]);

      const types = async (world: World | undefined, query = ''): Promise<string[]> =>
        dataOf<{ eventType: string }[]>(expectDocumented('GET /event-types', await as(world, 'get', `/event-types${query}`))).map((type) => type.eventType);
      expect(await types(a)).toEqual(['order.alpha']);
      expect(await types(undefined)).toEqual(expect.arrayContaining(['order.alpha', 'order.beta']));
      expect(await types(undefined, `?workspaceId=${b.workspaceId}`)).toEqual(['order.beta']);
    });

    it('shows the caller\'s own event with its workspace, jobs and attempts', async () => {
      const detail = expectDocumented('GET /events/{id}', await as(a, 'get', `/events/${a.eventId}`));
      expect(dataOf(detail)).toMatchObject({ id: a.eventId, workspaceId: a.workspaceId, jobs: expect.arrayContaining([expect.objectContaining({ id: a.jobId })]) });
    });

    it('another workspace\'s event answers 404 EVENT_NOT_FOUND exactly as an unknown id, and a replay of it files nothing', async () => {
      const before = await rowsOf(b);
      const calls: Call[] = [
        { method: 'get', path: '/events/:id' },
        { method: 'get', path: '/events/:id/status' },
        { method: 'get', path: '/processing-status/:id' },
        { method: 'post', path: '/events/:id/replay', body: { requestedBy: 'alpha', reason: 'take over' } },
      ];
      for (const call of calls) await expectSameAsUnknown(a, call, b.eventId);
      expect(errorOf(await as(a, 'get', `/events/${b.eventId}`)).code).toBe('EVENT_NOT_FOUND');
      expect(await rowsOf(b)).toEqual(before);
      expect(await fx.db('replay_requests').where({ event_id: b.eventId })).toEqual([]);
    });
  });

  describe('jobs and dead letters', () => {
    it('another workspace\'s job answers 404 JOB_NOT_FOUND exactly as an unknown id, and nothing is retried or replayed', async () => {
      const before = await rowsOf(b);
      const calls: Call[] = [
        { method: 'get', path: '/jobs/:id' },
        { method: 'post', path: '/jobs/:id/retry' },
        { method: 'post', path: '/dead-letters/:id/replay' },
      ];
      for (const call of calls) await expectSameAsUnknown(a, call, b.deadJobId);
      await expectSameAsUnknown(a, { method: 'get', path: '/jobs/:id' }, b.jobId);
      expect(errorOf(await as(a, 'get', `/jobs/${b.deadJobId}`)).code).toBe('JOB_NOT_FOUND');
      expect(await rowsOf(b)).toEqual(before);
      const own = expectDocumented('GET /jobs/{id}', await as(a, 'get', `/jobs/${a.jobId}`));
      expect(dataOf(own)).toMatchObject({ id: a.jobId, workspaceId: a.workspaceId, attempts: [expect.objectContaining({ id: a.attemptId })] });
    });

    it('lists only the caller\'s dead letters; the operator lists both and filters', async () => {
      const jobIds = async (world: World | undefined, query = ''): Promise<string[]> =>
        dataOf<{ jobId: string }[]>(expectDocumented('GET /dead-letters', await as(world, 'get', `/dead-letters${query}`))).map((dead) => dead.jobId);
      expect(await jobIds(a)).toEqual([a.deadJobId]);
      expect(await jobIds(a, `?integrationId=${b.integrationId}`)).toEqual([]);
      expect(await jobIds(undefined)).toEqual(expect.arrayContaining([a.deadJobId, b.deadJobId]));
      expect(await jobIds(undefined, `?workspaceId=${b.workspaceId}`)).toEqual([b.deadJobId]);
    });

    it('a bulk replay of every dead letter replays only the caller\'s, and only the caller (and the operator) can follow the run', async () => {
      const started = expectDocumented('POST /dead-letters/replay', await as(a, 'post', '/dead-letters/replay').send({ all: true, reason: 'alpha fixed' }));
      const { bulkReplayId } = dataOf<{ bulkReplayId: string }>(started);
      const run = await waitFor(async () => {
        const read = dataOf<{ status: string; matched: number; requeued: number; filter: Record<string, unknown> }>(await as(a, 'get', `/dead-letter-replays/${bulkReplayId}`));
        return read.status === 'running' ? undefined : read;
      }, { what: 'the bulk replay to end' });
      expect(run).toMatchObject({ status: 'completed', matched: 1, requeued: 1, filter: { all: true, workspaceId: a.workspaceId } });
      expect((await fx.db('replay_requests').whereNotNull('source_job_id')).map((row: { source_job_id: string }) => row.source_job_id)).not.toContain(b.deadJobId);
      expect(await fx.db('replay_requests').where({ source_job_id: a.deadJobId })).toHaveLength(1);

      const theirs = await as(b, 'get', `/dead-letter-replays/${bulkReplayId}`);
      const unknown = randomUUID();
      const missing = await as(b, 'get', `/dead-letter-replays/${unknown}`);
      expect([theirs.status, JSON.stringify(theirs.body).replaceAll(bulkReplayId, '<id>')]).toEqual([404, JSON.stringify(missing.body).replaceAll(unknown, '<id>')]);
      expect((await as(undefined, 'get', `/dead-letter-replays/${bulkReplayId}`)).status).toBe(200);
    });
  });

  describe('deliveries and stats', () => {
    it('lists only the attempts to the caller\'s integrations', async () => {
      const ids = async (world: World | undefined, query = ''): Promise<string[]> =>
        dataOf<{ id: string; integrationId: string }[]>(expectDocumented('GET /deliveries', await as(world, 'get', `/deliveries${query}`))).map((attempt) => attempt.integrationId);
      expect(new Set(await ids(a))).toEqual(new Set([a.integrationId]));
      expect(await ids(a, `?integrationId=${b.integrationId}`)).toEqual([]);
      expect(await ids(a, `?eventId=${b.eventId}`)).toEqual([]);
      expect(new Set(await ids(undefined))).toEqual(new Set([a.integrationId, b.integrationId]));
      expect(new Set(await ids(undefined, `?workspaceId=${b.workspaceId}`))).toEqual(new Set([b.integrationId]));
    });

    it('the overview counts only the caller\'s events, integrations, jobs and attempts', async () => {
      // A waiting job in beta older than anything in alpha: it must not be alpha's oldest pending job.
      await insertJob(fx.db, { eventId: await eventIn(b.workspaceId), integrationId: b.integrationId, status: 'retrying', createdAt: '2020-01-01T00:00:00.000Z' });
      const alphaPending = await insertJob(fx.db, { eventId: await eventIn(a.workspaceId), integrationId: a.integrationId, status: 'pending' });
      interface Overview { perMinute: { received: number; delivered: number; failed: number }[]; integrationsByState: Record<string, number>; deadLetters: number; pendingJobs: number; oldestPendingJob: { id: string } | null }
      const overviewOf = async (world: World | undefined, query = ''): Promise<Overview> =>
        dataOf<Overview>(expectDocumented('GET /stats/overview', await as(world, 'get', `/stats/overview${query}`)));
      const total = (overview: Overview, field: 'received' | 'delivered' | 'failed'): number => overview.perMinute.reduce((sum, minute) => sum + minute[field], 0);
      const count = async (query: Knex.QueryBuilder): Promise<number> => Number((await query.count<{ count: string }[]>({ count: '*' }).first())?.count ?? 0);
      const alphaIntegrations = () => fx.db('integrations').select('id').where({ workspace_id: a.workspaceId });
      const expected = {
        received: await count(fx.db('events').where({ workspace_id: a.workspaceId })),
        active: await count(fx.db('integrations').where({ workspace_id: a.workspaceId, state: 'active' })),
        dead: await count(fx.db('delivery_jobs').where({ status: 'dead' }).whereIn('integration_id', alphaIntegrations())),
        delivered: await count(fx.db('delivery_attempts').where({ status: 'success' }).whereIn('integration_id', alphaIntegrations())),
        failed: await count(fx.db('delivery_attempts').where({ status: 'failed' }).whereIn('integration_id', alphaIntegrations())),
      };
      const ofA = await overviewOf(a);
      expect({
        received: total(ofA, 'received'), active: ofA.integrationsByState.active, dead: ofA.deadLetters, delivered: total(ofA, 'delivered'), failed: total(ofA, 'failed'),
      }).toEqual(expected);
      expect([ofA.pendingJobs, ofA.oldestPendingJob?.id]).toEqual([1, alphaPending]);
      // The minute buckets may move on between two calls; the rest may not.
      const { perMinute: _minutes, ...figuresOfA } = ofA;
      expect(await overviewOf(undefined, `?workspaceId=${a.workspaceId}`)).toMatchObject(figuresOfA);
      const all = await overviewOf(undefined);
      expect(all.deadLetters).toBeGreaterThan(ofA.deadLetters);
      expect(all.oldestPendingJob?.id).not.toBe(alphaPending);
      const nothing = await overviewOf(a, `?workspaceId=${b.workspaceId}`);
      expect([total(nothing, 'received'), nothing.deadLetters, nothing.pendingJobs, nothing.oldestPendingJob]).toEqual([0, 0, 0, null]);
    });
  });

  describe('the live stream', () => {
    type Update = { id: string; jobId: string; workspaceId: string | null };
    const connect = async (authorization: string | undefined, query: Record<string, string> = {}): Promise<Update[]> => {
      const updates: Update[] = [];
      const params = new URLSearchParams(authorization ? query : { key: fx.config.managementApiKey, ...query }).toString();
      const source = new EventSource(`http://127.0.0.1:${fx.service.port}/api/v1/stream?${params}`, {
        fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...(authorization ? { authorization } : {}) } }),
      });
      opened.push(source);
      source.addEventListener('job.delivered', (message) => updates.push(JSON.parse(message.data as string) as Update));
      await new Promise<void>((resolve, reject) => {
        source.onopen = () => resolve();
        source.onerror = (error) => reject(new Error(`stream did not open: ${error.message ?? 'error'}`));
      });
      return updates;
    };
    const delivered = (world: World): SeedAuditFact => ({
      factId: `job.delivered:${randomUUID()}`, entityType: 'job', entityId: randomUUID(), action: 'delivered', actor: 'dispatcher',
      details: { eventId: world.eventId, integrationId: world.integrationId, attempt: 1, statusCode: 200, latencyMs: 5 },
    });

    it('sends a workspace key only its own jobs\' updates, live and on resume; the operator gets every workspace\'s', async () => {
      const before = String(Math.max(0, ...(await fx.db('audit_entries').pluck('id')) as number[]));
      const ofA = await connect(a.authorization);
      const operator = await connect(undefined);
      const operatorOfB = await connect(undefined, { workspaceId: b.workspaceId });
      const betaFact = delivered(b);
      const alphaFact = delivered(a);
      // Beta's first: by the time alpha's arrives, beta's would have too.
      await appendAuditChain(fx.db, [betaFact]);
      await appendAuditChain(fx.db, [alphaFact]);
      await waitFor(() => ofA.length > 0 && operator.length > 1 && operatorOfB.length > 0, { what: 'the updates' });
      expect(ofA.map((update) => [update.jobId, update.workspaceId])).toEqual([[alphaFact.entityId, a.workspaceId]]);
      expect(operator.map((update) => update.jobId)).toEqual([betaFact.entityId, alphaFact.entityId]);
      expect(operatorOfB.map((update) => update.jobId)).toEqual([betaFact.entityId]);

      const resumed = await connect(a.authorization, { lastEventId: before });
      const caughtUp = await connect(b.authorization, { lastEventId: before });
      await waitFor(() => resumed.length > 0 && caughtUp.length > 0, { what: 'the missed updates' });
      expect(resumed.map((update) => update.jobId)).toEqual([alphaFact.entityId]);
      expect(caughtUp.map((update) => update.jobId)).toEqual([betaFact.entityId]);
    });
  });

  describe('credentials', () => {
    it('a JWT with a workspace claim is narrowed like that workspace\'s key; one without sees every workspace', async () => {
      const narrowed = narrowedBearer(fx, 'beta-ci', 'webhooks:read', b.workspaceId);
      const list = await fx.http.get('/api/v1/integrations').set('authorization', narrowed);
      expect(dataOf<{ workspaceId: string }[]>(list).every((integration) => integration.workspaceId === b.workspaceId)).toBe(true);
      expect((await fx.http.get(`/api/v1/events/${a.eventId}`).set('authorization', narrowed)).status).toBe(404);
      const wide = narrowedBearer(fx, 'ops', 'webhooks:read');
      expect((await fx.http.get(`/api/v1/events/${a.eventId}`).set('authorization', wide)).status).toBe(200);
      expect((await fx.http.get(`/api/v1/events/${b.eventId}`).set('authorization', wide)).status).toBe(200);
    });
  });
});
