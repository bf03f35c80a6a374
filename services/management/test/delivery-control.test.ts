import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@hookway/testing';
import {
  dataOf, errorOf, insertEvent, insertJob, integrationBody, metaOf, publishedFact, publishedFacts, startManagement, type ManagementFixture,
} from './management-fixture.js';

interface ControlledIntegration {
  id: string;
  filter: Record<string, unknown> | null;
  rateLimit: { perSecond: number; burst: number } | null;
}

describe('integration delivery control: filter and rate limit', () => {
  let fx: ManagementFixture;

  beforeAll(async () => {
    fx = await startManagement('mgmt-control');
  });

  afterAll(async () => {
    await fx.close();
  });

  const bigOrders = { type: 'order.created', 'data.total': { $gte: 1000 } };

  it('when created with a filter and a rate limit, reads them back (burst defaulting to 1) and audits them', async () => {
    const created = await fx.post('/api/v1/integrations').send(integrationBody({ filter: bigOrders, rateLimit: { perSecond: 5 } }));
    expect(created.status).toBe(201);
    const { id } = dataOf<ControlledIntegration>(created);
    const read = dataOf<ControlledIntegration>(await fx.get(`/api/v1/integrations/${id}`));
    expect(read).toMatchObject({ filter: bigOrders, rateLimit: { perSecond: 5, burst: 1 } });
    const listed = dataOf<ControlledIntegration[]>(await fx.get('/api/v1/integrations')).find((item) => item.id === id);
    expect(listed).toMatchObject({ filter: bigOrders, rateLimit: { perSecond: 5, burst: 1 } });
    const facts = await publishedFacts(fx);
    expect(facts.find((fact) => fact.entityId === id && fact.action === 'created')?.details)
      .toMatchObject({ filter: bigOrders, rateLimit: { perSecond: 5, burst: 1 } });
  });

  it('when created without them, both read null', async () => {
    const created = dataOf<ControlledIntegration>(await fx.post('/api/v1/integrations').send(integrationBody()));
    expect(created).toMatchObject({ filter: null, rateLimit: null });
  });

  it('when the filter breaks a rule, answers 400 VALIDATION_ERROR naming each problem and stores nothing', async () => {
    const before = dataOf<unknown[]>(await fx.get('/api/v1/integrations')).length;
    const response = await fx.post('/api/v1/integrations').send(integrationBody({
      filter: { total: 5, 'data.total': { $regex: '^1' }, $or: [] },
    }));
    expect(response.status).toBe(400);
    expect(errorOf(response).code).toBe('VALIDATION_ERROR');
    expect(errorOf(response).details).toEqual({
      errors: expect.arrayContaining([
        { path: '/filter/total', message: expect.stringContaining('must start with one of type, subject, data, provider') },
        { path: '/filter/data.total/$regex', message: expect.stringContaining('is not a field operator') },
        { path: '/filter/$or', message: 'must be a non-empty array of filter documents' },
      ]),
    });
    expect(dataOf<unknown[]>(await fx.get('/api/v1/integrations'))).toHaveLength(before);
  });

  it('when the rate limit is not positive, answers 400', async () => {
    const response = await fx.post('/api/v1/integrations').send(integrationBody({ rateLimit: { perSecond: 0 } }));
    expect(response.status).toBe(400);
    expect(errorOf(response).code).toBe('VALIDATION_ERROR');
  });

  it('a patch sets, changes and (with null) removes the filter and the limit, each change audited with what changed', async () => {
    const { id } = dataOf<ControlledIntegration>(await fx.post('/api/v1/integrations').send(integrationBody()));
    const set = await fx.patch(`/api/v1/integrations/${id}`).send({ filter: bigOrders, rateLimit: { perSecond: 10, burst: 20 } });
    expect(dataOf<ControlledIntegration>(set)).toMatchObject({ filter: bigOrders, rateLimit: { perSecond: 10, burst: 20 } });
    const bad = await fx.patch(`/api/v1/integrations/${id}`).send({ filter: { 'data.x': { $in: 'no' } } });
    expect(bad.status).toBe(400);
    expect(errorOf(bad).details).toEqual({ errors: [{ path: '/filter/data.x/$in', message: 'must be an array of values' }] });
    const cleared = await fx.patch(`/api/v1/integrations/${id}`).send({ filter: null, rateLimit: null });
    expect(dataOf<ControlledIntegration>(cleared)).toMatchObject({ filter: null, rateLimit: null });
    const updates = (await publishedFacts(fx)).filter((fact) => fact.entityId === id && fact.action === 'updated');
    expect(updates.map((fact) => fact.details)).toEqual([
      expect.objectContaining({ changed: ['filter', 'rateLimit'], filter: bigOrders, rateLimit: { perSecond: 10, burst: 20 } }),
      expect.objectContaining({ changed: ['filter', 'rateLimit'], filter: null, rateLimit: null }),
    ]);
  });

  it('filter-test answers whether an event passes the stored filter, or a candidate one, without storing anything', async () => {
    const { id } = dataOf<ControlledIntegration>(await fx.post('/api/v1/integrations').send(integrationBody({ filter: bigOrders })));
    const test = (body: object) => fx.post(`/api/v1/integrations/${id}/filter-test`).send(body);
    expect(dataOf(await test({ event: { type: 'order.created', data: { total: 1500 } } }))).toEqual({ matches: true, filter: bigOrders });
    expect(dataOf(await test({ event: { type: 'order.created', data: { total: 15 } } }))).toEqual({ matches: false, filter: bigOrders });
    expect(dataOf(await test({ event: { type: 'x' }, filter: { provider: 'acme' } }))).toEqual({ matches: true, filter: { provider: 'acme' } });
    expect(dataOf(await test({ event: { type: 'x', provider: 'globex' }, filter: { provider: 'acme' } }))).toMatchObject({ matches: false });
    const invalid = await test({ event: { type: 'x' }, filter: { $not: [] } });
    expect([invalid.status, errorOf(invalid).details]).toEqual([400, { errors: [{ path: '/filter/$not', message: 'must be an object of field paths and operators' }] }]);
    expect((await test({})).status).toBe(400);
    expect(dataOf<ControlledIntegration>(await fx.get(`/api/v1/integrations/${id}`)).filter).toEqual(bigOrders);
  });

  it('filter-test of an integration without a filter matches every event; of an unknown one answers 404', async () => {
    const { id } = dataOf<ControlledIntegration>(await fx.post('/api/v1/integrations').send(integrationBody()));
    expect(dataOf(await fx.post(`/api/v1/integrations/${id}/filter-test`).send({ event: { type: 'anything' } }))).toEqual({ matches: true, filter: null });
    const missing = await fx.post('/api/v1/integrations/00000000-0000-4000-8000-000000000009/filter-test').send({ event: { type: 'x' } });
    expect([missing.status, errorOf(missing).code]).toEqual([404, 'INTEGRATION_NOT_FOUND']);
  });
});

interface OrderedIntegration {
  id: string;
  ordering: 'subject' | null;
  orderingOnDead: 'skip' | 'block';
}

describe('integration delivery control: ordered delivery per subject', () => {
  let fx: ManagementFixture;

  beforeAll(async () => {
    fx = await startManagement('mgmt-ordering');
  });

  afterAll(async () => {
    await fx.close();
  });

  const stored = async (id: string) =>
    fx.db('integrations').where({ id }).first<{ ordering: string | null; ordering_on_dead: string }>('ordering', 'ordering_on_dead');
  const jobStatuses = async (...ids: string[]): Promise<string[]> => {
    const rows = await fx.db('delivery_jobs').whereIn('id', ids).select<{ id: string; status: string }[]>('id', 'status');
    return ids.map((id) => rows.find((row) => row.id === id)?.status ?? 'missing');
  };

  it('when created with ordering and orderingOnDead, answers, reads and lists them back, stores them and audits them', async () => {
    const created = await fx.post('/api/v1/integrations').send(integrationBody({ ordering: 'subject', orderingOnDead: 'block' }));
    expect(created.status).toBe(201);
    const { id } = dataOf<OrderedIntegration>(created);
    expect(dataOf<OrderedIntegration>(created)).toMatchObject({ ordering: 'subject', orderingOnDead: 'block' });
    expect(dataOf<OrderedIntegration>(await fx.get(`/api/v1/integrations/${id}`))).toMatchObject({ ordering: 'subject', orderingOnDead: 'block' });
    const listed = dataOf<OrderedIntegration[]>(await fx.get('/api/v1/integrations')).find((item) => item.id === id);
    expect(listed).toMatchObject({ ordering: 'subject', orderingOnDead: 'block' });
    expect(await stored(id)).toEqual({ ordering: 'subject', ordering_on_dead: 'block' });
    const facts = await publishedFacts(fx);
    expect(facts.find((fact) => fact.entityId === id && fact.action === 'created')?.details)
      .toMatchObject({ ordering: 'subject', orderingOnDead: 'block' });
  });

  it('when created without them, ordering reads null and orderingOnDead skip', async () => {
    const created = dataOf<OrderedIntegration>(await fx.post('/api/v1/integrations').send(integrationBody()));
    expect(created).toMatchObject({ ordering: null, orderingOnDead: 'skip' });
    expect(await stored(created.id)).toEqual({ ordering: null, ordering_on_dead: 'skip' });
    const explicitNull = dataOf<OrderedIntegration>(await fx.post('/api/v1/integrations').send(integrationBody({ ordering: null })));
    expect(explicitNull).toMatchObject({ ordering: null, orderingOnDead: 'skip' });
  });

  it('a patch sets and changes them, a patch of another field leaves them, ordering null removes the order; each change audited with what changed', async () => {
    const { id } = dataOf<OrderedIntegration>(await fx.post('/api/v1/integrations').send(integrationBody()));
    const set = await fx.patch(`/api/v1/integrations/${id}`).send({ ordering: 'subject', orderingOnDead: 'block' });
    expect([set.status, dataOf<OrderedIntegration>(set)]).toEqual([200, expect.objectContaining({ ordering: 'subject', orderingOnDead: 'block' })]);
    const renamed = await fx.patch(`/api/v1/integrations/${id}`).send({ name: 'renamed' });
    expect(dataOf<OrderedIntegration>(renamed)).toMatchObject({ ordering: 'subject', orderingOnDead: 'block' });
    const skip = await fx.patch(`/api/v1/integrations/${id}`).send({ orderingOnDead: 'skip' });
    expect(dataOf<OrderedIntegration>(skip)).toMatchObject({ ordering: 'subject', orderingOnDead: 'skip' });
    const unordered = await fx.patch(`/api/v1/integrations/${id}`).send({ ordering: null });
    expect(dataOf<OrderedIntegration>(unordered)).toMatchObject({ ordering: null, orderingOnDead: 'skip' });
    expect(dataOf<OrderedIntegration>(await fx.get(`/api/v1/integrations/${id}`))).toMatchObject({ ordering: null, orderingOnDead: 'skip' });
    expect(await stored(id)).toEqual({ ordering: null, ordering_on_dead: 'skip' });
    const updates = (await publishedFacts(fx)).filter((fact) => fact.entityId === id && fact.action === 'updated');
    expect(updates.map((fact) => fact.details)).toEqual([
      expect.objectContaining({ changed: ['ordering', 'orderingOnDead'], ordering: 'subject', orderingOnDead: 'block' }),
      { changed: ['name'], name: 'renamed' },
      { changed: ['orderingOnDead'], orderingOnDead: 'skip' },
      { changed: ['ordering'], ordering: null },
    ]);
  });

  it.each([
    ['ordering', 'events'],
    ['ordering', 'SUBJECT'],
    ['ordering', true],
    ['ordering', ['subject']],
    ['orderingOnDead', 'retry'],
    ['orderingOnDead', null],
    ['orderingOnDead', 1],
  ])('when %s is %j, create and patch answer 400 VALIDATION_ERROR naming the field and store nothing', async (field, value) => {
    const before = dataOf<unknown[]>(await fx.get('/api/v1/integrations')).length;
    const created = await fx.post('/api/v1/integrations').send(integrationBody({ [field]: value }));
    expect([created.status, errorOf(created).code]).toEqual([400, 'VALIDATION_ERROR']);
    expect(errorOf(created).details.errors?.map((error) => error.path)).toContain(`/${field}`);
    expect(dataOf<unknown[]>(await fx.get('/api/v1/integrations'))).toHaveLength(before);

    const { id } = dataOf<OrderedIntegration>(await fx.post('/api/v1/integrations').send(integrationBody({ ordering: 'subject', orderingOnDead: 'block' })));
    const patched = await fx.patch(`/api/v1/integrations/${id}`).send({ [field]: value });
    expect([patched.status, errorOf(patched).code]).toEqual([400, 'VALIDATION_ERROR']);
    expect(errorOf(patched).details.errors?.map((error) => error.path)).toContain(`/${field}`);
    expect(await stored(id)).toEqual({ ordering: 'subject', ordering_on_dead: 'block' });
  });

  it('a waiting job is listed with status waiting, counted as pending by the overview and the integration stats, and cannot be retried', async () => {
    const { id: integrationId } = dataOf<OrderedIntegration>(await fx.post('/api/v1/integrations').send(integrationBody({ ordering: 'subject', orderingOnDead: 'block' })));
    const overviewBefore = dataOf<{ pendingJobs: number }>(await fx.get('/api/v1/stats/overview')).pendingJobs;
    const head = await insertEvent(fx.db, { subject: 'order 7' });
    const next = await insertEvent(fx.db, { subject: 'order 7' });
    const seqOf = async (eventId: string) => Number((await fx.db('events').where({ id: eventId }).first<{ seq: string }>('seq')).seq);
    // The subject's head died long ago and blocks it: the job behind it is the oldest still to be delivered,
    // older than the job of another subject, which flows.
    await insertJob(fx.db, {
      eventId: head, integrationId, status: 'dead', attemptCount: 3, orderKey: 'order 7', orderSeq: await seqOf(head),
      createdAt: '2020-01-01T00:00:00.000Z', completedAt: '2020-01-01T00:10:00.000Z',
    });
    const waiting = await insertJob(fx.db, {
      eventId: next, integrationId, status: 'waiting', orderKey: 'order 7', orderSeq: await seqOf(next), createdAt: '2020-01-01T00:00:01.000Z',
    });
    const other = await insertEvent(fx.db, { subject: 'order 8' });
    await insertJob(fx.db, { eventId: other, integrationId, status: 'retrying', attemptCount: 1, orderKey: 'order 8', orderSeq: await seqOf(other) });

    const detail = dataOf<{ jobs: { id: string; status: string }[] }>(await fx.get(`/api/v1/events/${next}`));
    expect(detail.jobs).toEqual([expect.objectContaining({ id: waiting, status: 'waiting', integrationId })]);
    expect(dataOf(await fx.get(`/api/v1/jobs/${waiting}`))).toMatchObject({ id: waiting, status: 'waiting', attemptCount: 0 });
    const status = dataOf<{ recentJobs: { id: string; status: string }[] }>(await fx.get(`/api/v1/events/${next}/status`));
    expect(status.recentJobs).toEqual([expect.objectContaining({ id: waiting, status: 'waiting' })]);

    const overview = dataOf<{ pendingJobs: number; oldestPendingJob: { id: string; status: string } | null }>(await fx.get('/api/v1/stats/overview'));
    expect(overview.pendingJobs).toBe(overviewBefore + 2);
    expect(overview.oldestPendingJob).toMatchObject({ id: waiting, status: 'waiting', integrationId });
    expect(dataOf(await fx.get(`/api/v1/integrations/${integrationId}/stats`))).toMatchObject({ pendingJobs: 2, deadJobs: 1 });

    const retry = await fx.post(`/api/v1/jobs/${waiting}/retry`);
    expect([retry.status, errorOf(retry).code, errorOf(retry).details]).toEqual([409, 'JOB_NOT_RETRYABLE', { jobId: waiting, status: 'waiting' }]);
    expect(await jobStatuses(waiting)).toEqual(['waiting']);
  });

  it('pausing an ordered integration parks none of its jobs, and resuming releases its parked job but leaves the waiting one alone', async () => {
    const { id: integrationId } = dataOf<OrderedIntegration>(await fx.post('/api/v1/integrations').send(integrationBody({ ordering: 'subject', orderingOnDead: 'block' })));
    const [e1, e2, e3, e4] = [
      await insertEvent(fx.db, { subject: 'order 8' }), await insertEvent(fx.db, { subject: 'order 8' }),
      await insertEvent(fx.db, { subject: 'order 9' }), await insertEvent(fx.db, { subject: 'order 9' }),
    ];
    const pending = await insertJob(fx.db, { eventId: e1, integrationId, status: 'pending', orderKey: 'order 8', orderSeq: 1 });
    const waitingBehindPending = await insertJob(fx.db, { eventId: e2, integrationId, status: 'waiting', orderKey: 'order 8', orderSeq: 2 });
    const retrying = await insertJob(fx.db, { eventId: e3, integrationId, status: 'retrying', attemptCount: 1, orderKey: 'order 9', orderSeq: 3 });
    const waitingBehindRetrying = await insertJob(fx.db, { eventId: e4, integrationId, status: 'waiting', orderKey: 'order 9', orderSeq: 4 });
    const all = [pending, waitingBehindPending, retrying, waitingBehindRetrying];

    const paused = await fx.post(`/api/v1/integrations/${integrationId}/pause`);
    expect([paused.status, dataOf<{ state: string }>(paused).state]).toEqual([200, 'paused']);
    // The pause itself parks nothing: a pending or retrying job is parked by the dispatcher when it reaches delivery.
    expect(await jobStatuses(...all)).toEqual(['pending', 'waiting', 'retrying', 'waiting']);

    // What the dispatcher does to the head of subject order 9 when its next attempt comes while paused.
    await fx.db('delivery_jobs').where({ id: retrying }).update({ status: 'parked' });
    const resumed = await fx.post(`/api/v1/integrations/${integrationId}/resume`).set('x-request-id', 'resume-ordered');
    expect([resumed.status, metaOf(resumed)]).toEqual([200, { releasedJobs: 1 }]);
    expect(await jobStatuses(...all)).toEqual(['pending', 'waiting', 'retrying', 'waiting']);

    const released = await waitFor(async () => {
      const messages = await fx.taken(fx.broker.topology.queues.jobs);
      return messages.some((message) => (message.body as { jobId: string }).jobId === retrying) && messages;
    }, { what: 'the released job\'s message' });
    expect(released.map((message) => (message.body as { jobId: string }).jobId)).toEqual([retrying]);
    expect(await publishedFact(fx, `integration.resumed:${integrationId}:resume-ordered`))
      .toMatchObject({ details: { previousState: 'paused', releasedJobs: 1 } });
  });
});
