import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dataOf, errorOf, idsOf, metaOf, insertAttempt, insertEvent, insertIntegration, insertJob, startManagement, type ManagementFixture } from './management-fixture.js';

describe('GET /events, /events/:id and the processing status', () => {
  let fx: ManagementFixture;
  // Four events whose every sortable field orders them differently.
  const ids: Record<'e1' | 'e2' | 'e3' | 'e4', string> = { e1: '', e2: '', e3: '', e4: '' };

  beforeAll(async () => {
    fx = await startManagement('mgmt-events');
    const at = (minute: number): string => new Date(Date.UTC(2026, 0, 10, 12, minute)).toISOString();
    ids.e1 = await insertEvent(fx.db, {
      provider: 'acme', type: 'order.created', subject: 'Order 100%_done', status: 'processed',
      occurredAt: '2026-01-01T00:00:00.000Z', receivedAt: at(1), createdAt: at(3),
    });
    ids.e2 = await insertEvent(fx.db, {
      provider: 'acme', type: 'order.updated', subject: 'customer-42', status: 'failed',
      occurredAt: '2026-01-03T00:00:00.000Z', receivedAt: at(3), createdAt: at(0),
    });
    ids.e3 = await insertEvent(fx.db, {
      provider: 'globex', type: 'invoice.paid', subject: 'ORDER 7', status: 'pending',
      occurredAt: '2026-01-02T00:00:00.000Z', receivedAt: at(2), createdAt: at(1),
    });
    ids.e4 = await insertEvent(fx.db, {
      provider: 'globex', type: 'order.created', subject: null, status: 'retrying',
      occurredAt: '2026-01-05T00:00:00.000Z', receivedAt: at(0), createdAt: at(2),
    });
  });

  afterAll(async () => {
    await fx.close();
  });

  const listed = async (query: string): Promise<string[]> => {
    const response = await fx.get(`/api/v1/events${query}`);
    expect(response.status).toBe(200);
    return idsOf(response);
  };
  const named = (...keys: (keyof typeof ids)[]): string[] => keys.map((key) => ids[key]);

  it('lists newest received first by default, in the event JSON shape, without the raw snapshot', async () => {
    const response = await fx.get('/api/v1/events');
    expect(idsOf(response)).toEqual(named('e2', 'e3', 'e1', 'e4'));
    expect(metaOf(response)).toEqual({ page: 1, pageSize: 20, total: 4, totalPages: 1 });
    expect(Object.keys(dataOf<object[]>(response)[0]!).sort()).toEqual([
      'createdAt', 'data', 'externalId', 'id', 'occurredAt', 'provider', 'receivedAt', 'status', 'subject', 'type', 'updatedAt', 'workspaceId',
    ]);
    expect(dataOf<unknown[]>(response)[0]).toMatchObject({ provider: 'acme', type: 'order.updated', status: 'failed', occurredAt: '2026-01-03T00:00:00.000Z' });
  });

  it('sorts by each sortBy field in both orders', async () => {
    expect(await listed('?sortBy=occurredAt&sortOrder=asc')).toEqual(named('e1', 'e3', 'e2', 'e4'));
    expect(await listed('?sortBy=occurredAt')).toEqual(named('e4', 'e2', 'e3', 'e1'));
    expect(await listed('?sortBy=createdAt&sortOrder=asc')).toEqual(named('e2', 'e3', 'e4', 'e1'));
    expect(await listed('?sortBy=status&sortOrder=asc')).toEqual(named('e2', 'e3', 'e1', 'e4'));
    expect(await listed('?sortBy=receivedAt&sortOrder=asc')).toEqual(named('e4', 'e1', 'e3', 'e2'));
  });

  it('filters by provider, status and eventType', async () => {
    expect(await listed('?provider=globex')).toEqual(named('e3', 'e4'));
    expect(await listed('?status=failed')).toEqual(named('e2'));
    expect(await listed('?eventType=order.created')).toEqual(named('e1', 'e4'));
    expect(await listed('?provider=acme&eventType=order.created')).toEqual(named('e1'));
  });

  it('matches subject partially and case-insensitively, with LIKE wildcards taken literally', async () => {
    expect(await listed('?subject=order')).toEqual(named('e3', 'e1'));
    expect(await listed(`?subject=${encodeURIComponent('%')}`)).toEqual(named('e1'));
    expect(await listed('?subject=_')).toEqual(named('e1'));
  });

  it('filters occurredAt by an inclusive from/to range', async () => {
    expect(await listed('?from=2026-01-02T00:00:00Z&to=2026-01-03T00:00:00Z')).toEqual(named('e2', 'e3'));
    expect(await listed('?from=2026-01-03T00:00:00Z')).toEqual(named('e2', 'e4'));
    expect(await listed('?to=2026-01-01T12:00:00%2B01:00')).toEqual(named('e1'));
  });

  it('paginates with page meta', async () => {
    const response = await fx.get('/api/v1/events?page=2&pageSize=3');
    expect(idsOf(response)).toEqual(named('e4'));
    expect(metaOf(response)).toEqual({ page: 2, pageSize: 3, total: 4, totalPages: 2 });
  });

  it.each([
    ['status=bogus', '/status'],
    ['pageSize=0', '/pageSize'],
    ['pageSize=1000', '/pageSize'],
    ['page=0', '/page'],
    ['page=abc', '/page'],
    ['from=yesterday', '/from'],
    ['to=2026-01-01', '/to'],
    ['sortBy=name', '/sortBy'],
    ['sortOrder=sideways', '/sortOrder'],
    ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', '/from'],
    ['colour=blue', '/colour'],
  ])('when the query has %s, returns 400 INVALID_QUERY naming %s', async (query, path) => {
    const response = await fx.get(`/api/v1/events?${query}`);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ success: false, error: { code: 'INVALID_QUERY' } });
    expect(errorOf(response).details.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  });

  it('returns an event with its raw snapshot, jobs and attempts', async () => {
    const integrationId = await insertIntegration(fx.db);
    const jobId = await insertJob(fx.db, { eventId: ids.e1, integrationId, status: 'succeeded', attemptCount: 2, lastStatusCode: 200 });
    const failedId = await insertAttempt(fx.db, {
      jobId, eventId: ids.e1, integrationId, attemptNumber: 1, status: 'failed', statusCode: 503, errorCode: 'HTTP_5XX',
      errorMessage: 'receiver answered 503', createdAt: '2026-01-10T13:00:00.000Z',
    });
    const successId = await insertAttempt(fx.db, {
      jobId, eventId: ids.e1, integrationId, attemptNumber: 2, status: 'success', statusCode: 200, createdAt: '2026-01-10T13:00:05.000Z',
    });

    const response = await fx.get(`/api/v1/events/${ids.e1}`);
    expect(response.status).toBe(200);
    const detail = dataOf<{ externalId: string; snapshot: unknown; jobs: unknown; attempts: { id: string }[] }>(response);
    expect(detail).toMatchObject({ id: ids.e1, provider: 'acme', subject: 'Order 100%_done', status: 'processed' });
    expect(detail.snapshot).toEqual({ headers: { 'content-type': 'application/json' }, body: JSON.stringify({ eventId: detail.externalId }) });
    expect(detail.jobs).toEqual([expect.objectContaining({
      id: jobId, integrationId, replayRequestId: null, status: 'succeeded', attemptCount: 2, maxAttempts: 3, nextAttemptAt: null,
      lastError: null, lastStatusCode: 200, createdAt: expect.any(String), updatedAt: expect.any(String), completedAt: null,
    })]);
    expect(detail.attempts.map((attempt) => attempt.id)).toEqual([failedId, successId]);
    expect(detail.attempts[0]).toMatchObject({
      jobId, integrationId, attemptNumber: 1, status: 'failed', statusCode: 503, latencyMs: 12, requestUrl: 'http://127.0.0.1:9/hook',
      requestHeaders: { 'webhook-id': ids.e1 }, responseHeaders: { 'content-type': 'text/plain' }, responseBody: 'nope',
      errorCode: 'HTTP_5XX', errorMessage: 'receiver answered 503', createdAt: '2026-01-10T13:00:00.000Z',
    });
  });

  it('when the event id is unknown or not a uuid, returns 404 EVENT_NOT_FOUND on detail and status', async () => {
    for (const path of [
      `/api/v1/events/${crypto.randomUUID()}`, '/api/v1/events/not-a-uuid', `/api/v1/events/${crypto.randomUUID()}/status`,
      '/api/v1/events/12345/status', '/api/v1/processing-status/not-a-uuid', `/api/v1/processing-status/${crypto.randomUUID()}`,
    ]) {
      const response = await fx.get(path);
      expect([path, response.status, errorOf(response).code]).toEqual([path, 404, 'EVENT_NOT_FOUND']);
    }
  });

  it('reports status, total attempts, the latest failed attempt error and the ten newest jobs; both paths agree', async () => {
    const eventId = await insertEvent(fx.db, { status: 'retrying' });
    const jobIds: string[] = [];
    for (let index = 0; index < 12; index += 1) {
      const integrationId = await insertIntegration(fx.db);
      const createdAt = new Date(Date.UTC(2026, 0, 11, 0, index)).toISOString();
      const jobId = await insertJob(fx.db, { eventId, integrationId, status: 'retrying', lastError: `job error ${index}`, createdAt });
      jobIds.push(jobId);
      if (index < 2) {
        await insertAttempt(fx.db, {
          jobId, eventId, integrationId, attemptNumber: 1, status: 'failed', errorMessage: `attempt error ${index}`, createdAt,
        });
      }
    }

    const status = await fx.get(`/api/v1/events/${eventId}/status`);
    expect(status.status).toBe(200);
    expect(dataOf(status)).toMatchObject({ eventId, status: 'retrying', attemptCount: 2, lastError: 'attempt error 1' });
    expect(dataOf<{ recentJobs: { id: string }[] }>(status).recentJobs.map((job) => job.id)).toEqual(jobIds.slice(2).reverse());

    const alias = await fx.get(`/api/v1/processing-status/${eventId}`);
    expect(alias.status).toBe(200);
    expect(alias.body).toEqual(status.body);
  });

  it('when no attempt failed, lastError falls back to a job error, else null', async () => {
    const withJobError = await insertEvent(fx.db, { status: 'retrying' });
    await insertJob(fx.db, { eventId: withJobError, integrationId: await insertIntegration(fx.db), lastError: 'connection refused' });
    const untouched = await insertEvent(fx.db);

    const first = await fx.get(`/api/v1/processing-status/${withJobError}`);
    expect(dataOf(first)).toMatchObject({ attemptCount: 0, lastError: 'connection refused' });
    const second = await fx.get(`/api/v1/processing-status/${untouched}`);
    expect(dataOf(second)).toEqual({ eventId: untouched, status: 'pending', attemptCount: 0, lastError: null, recentJobs: [] });
  });
});
