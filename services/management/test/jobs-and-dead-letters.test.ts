import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@hookway/testing';
import {
  dataOf, errorOf, insertAttempt, insertEvent, insertIntegration, insertJob, metaOf, publishedFact, startManagement, type ManagementFixture,
  type TakenMessage,
} from './management-fixture.js';

interface ReplayRow {
  id: string;
  event_id: string;
  integration_id: string | null;
  source_job_id: string | null;
  requested_by: string;
  reason: string;
  correlation_id: string | null;
  published_at: Date | null;
}

interface BulkView {
  id: string;
  status: string;
  matched: number | null;
  requeued: number;
  filter: Record<string, unknown>;
  createdAt: string;
  completedAt: string | null;
}

const jobStatus = async (fx: ManagementFixture, id: string): Promise<string | undefined> =>
  ((await fx.db('delivery_jobs').select('status').where({ id }).first()) as { status: string } | undefined)?.status;

const replayRow = async (fx: ManagementFixture, id: string): Promise<ReplayRow | undefined> =>
  (await fx.db('replay_requests').where({ id }).first()) as ReplayRow | undefined;

const messageFor = (messages: TakenMessage[], key: string, value: string): TakenMessage | undefined =>
  messages.find((message) => (message.body as Record<string, unknown>)[key] === value);

describe('GET /jobs/:id and POST /jobs/:id/retry', () => {
  let fx: ManagementFixture;
  let integrationId: string;

  beforeAll(async () => {
    fx = await startManagement('mgmt-jobs');
    integrationId = await insertIntegration(fx.db);
  });

  afterAll(async () => {
    await fx.close();
  });

  it('returns the job with its attempt timeline in attempt order and the next attempt time', async () => {
    const eventId = await insertEvent(fx.db);
    const nextAttemptAt = '2026-05-01T12:00:30.000Z';
    const jobId = await insertJob(fx.db, { eventId, integrationId, status: 'retrying', attemptCount: 2, lastError: 'HTTP_5XX: 503', lastStatusCode: 503, nextAttemptAt });
    const second = await insertAttempt(fx.db, {
      jobId, eventId, integrationId, attemptNumber: 2, status: 'failed', statusCode: 503, errorCode: 'HTTP_5XX', createdAt: '2026-05-01T12:00:05.000Z',
    });
    const first = await insertAttempt(fx.db, {
      jobId, eventId, integrationId, attemptNumber: 1, status: 'failed', errorCode: 'TIMEOUT', errorMessage: 'timed out', latencyMs: 2000,
      createdAt: '2026-05-01T12:00:00.000Z',
    });

    const response = await fx.get(`/api/v1/jobs/${jobId}`);
    expect(response.status).toBe(200);
    const job = dataOf<{ attempts: { id: string }[] }>(response);
    expect(job).toMatchObject({
      id: jobId, eventId, integrationId, status: 'retrying', attemptCount: 2, maxAttempts: 3, nextAttemptAt, lastError: 'HTTP_5XX: 503', lastStatusCode: 503,
    });
    expect(job.attempts.map((attempt) => attempt.id)).toEqual([first, second]);
    expect(job.attempts[0]).toMatchObject({
      attemptNumber: 1, status: 'failed', statusCode: null, latencyMs: 2000, requestHeaders: { 'webhook-id': eventId },
      responseHeaders: { 'content-type': 'text/plain' }, responseBody: 'nope', errorCode: 'TIMEOUT', errorMessage: 'timed out',
      createdAt: '2026-05-01T12:00:00.000Z',
    });
  });

  it('when the job id is unknown or not a uuid, GET and retry answer 404 JOB_NOT_FOUND', async () => {
    for (const id of [crypto.randomUUID(), 'job-1']) {
      const read = await fx.get(`/api/v1/jobs/${id}`);
      const retry = await fx.post(`/api/v1/jobs/${id}/retry`).send({});
      expect([read.status, errorOf(read).code, retry.status, errorOf(retry).code]).toEqual([404, 'JOB_NOT_FOUND', 404, 'JOB_NOT_FOUND']);
    }
  });

  it('when a finished job is retried, files a replay scoped to its integration, publishes it, keeps the old job, and audits the JWT subject', async () => {
    const eventId = await insertEvent(fx.db, { provider: 'acme', type: 'order.created' });
    const jobId = await insertJob(fx.db, { eventId, integrationId, status: 'failed', attemptCount: 1 });

    const response = await fx.http.post(`/api/v1/jobs/${jobId}/retry`).set('authorization', fx.bearer('judy', 'webhooks:write'))
      .set('x-request-id', 'retry-1').send({ reason: 'receiver fixed' });
    expect(response.status).toBe(202);
    const { replayRequestId } = dataOf<{ replayRequestId: string }>(response);
    expect(dataOf(response)).toEqual({ jobId, replayRequestId: expect.any(String) });

    expect(await replayRow(fx, replayRequestId)).toMatchObject({
      event_id: eventId, integration_id: integrationId, source_job_id: jobId, requested_by: 'judy', reason: 'receiver fixed', correlation_id: 'retry-1',
      published_at: expect.any(Date),
    });
    const published = messageFor(await fx.taken(fx.broker.topology.queues.events), 'replayRequestId', replayRequestId);
    expect(published?.body).toEqual({ kind: 'replay', eventId, replayRequestId, provider: 'acme', type: 'order.created' });
    expect(await jobStatus(fx, jobId)).toBe('failed');
    expect(await publishedFact(fx, `job.retry_requested:${jobId}:retry-1`)).toMatchObject({
      entityType: 'job', action: 'retry_requested', actor: 'judy', details: { eventId, integrationId, previousStatus: 'failed', replayRequestId },
    });
    expect(await publishedFact(fx, `replay.requested:${replayRequestId}`)).toMatchObject({
      actor: 'judy', details: { eventId, integrationId, sourceJobId: jobId, reason: 'receiver fixed' },
    });
  });

  it('when a job waiting in a retry tier is retried, publishes its next attempt to the jobs queue now and files no replay', async () => {
    const eventId = await insertEvent(fx.db);
    const jobId = await insertJob(fx.db, { eventId, integrationId, status: 'retrying', attemptCount: 2 });
    const replaysBefore = await fx.db('replay_requests').count<{ count: number }[]>({ count: '*' }).first();

    const response = await fx.post(`/api/v1/jobs/${jobId}/retry`).set('x-request-id', 'retry-now');
    expect(response.status).toBe(202);
    expect(dataOf(response)).toEqual({ jobId });
    const message = messageFor(await fx.taken(fx.broker.topology.queues.jobs), 'jobId', jobId);
    expect(message?.body).toEqual({ jobId, eventId, integrationId, attempt: 3 });
    expect(message?.properties).toMatchObject({ messageId: `${jobId}:3`, correlationId: 'retry-now' });
    expect(await fx.db('replay_requests').count<{ count: number }[]>({ count: '*' }).first()).toEqual(replaysBefore);
    expect(await publishedFact(fx, `job.retry_requested:${jobId}:retry-now`)).toMatchObject({ actor: 'api-key', details: { attempt: 3 } });
  });

  it.each(['pending', 'delivering', 'parked', 'waiting'])('when the job is %s, retry answers 409 JOB_NOT_RETRYABLE with the status and publishes nothing', async (status) => {
    const eventId = await insertEvent(fx.db);
    const jobId = await insertJob(fx.db, { eventId, integrationId, status, attemptCount: status === 'pending' ? 0 : 1 });
    const response = await fx.post(`/api/v1/jobs/${jobId}/retry`);
    expect([response.status, errorOf(response).code]).toEqual([409, 'JOB_NOT_RETRYABLE']);
    expect(errorOf(response).details).toEqual({ jobId, status });
    expect(messageFor(await fx.taken(fx.broker.topology.queues.jobs), 'jobId', jobId)).toBeUndefined();
    expect(await fx.db('replay_requests').where({ source_job_id: jobId }).first()).toBeUndefined();
  });

  it('when the retry body has an unknown field or a blank reason, answers 400 VALIDATION_ERROR', async () => {
    const eventId = await insertEvent(fx.db);
    const jobId = await insertJob(fx.db, { eventId, integrationId, status: 'dead', attemptCount: 3 });
    for (const body of [{ force: true }, { reason: '   ' }]) {
      const response = await fx.post(`/api/v1/jobs/${jobId}/retry`).send(body);
      expect([response.status, errorOf(response).code]).toEqual([400, 'VALIDATION_ERROR']);
    }
  });
});

describe('dead letters', () => {
  let fx: ManagementFixture;
  let alpha: string;
  let beta: string;
  const dead: Record<'a1' | 'a2' | 'a3' | 'b1', string> = { a1: '', a2: '', a3: '', b1: '' };
  const deadEvent: Record<string, string> = {};
  const at = (hour: number): string => new Date(Date.UTC(2026, 3, 1, hour)).toISOString();

  beforeAll(async () => {
    fx = await startManagement('mgmt-dead');
    alpha = await insertIntegration(fx.db, { provider: 'acme', name: 'alpha' });
    beta = await insertIntegration(fx.db, { provider: 'globex', name: 'beta' });
    const seed = async (key: keyof typeof dead, integrationId: string, provider: string, type: string, hour: number): Promise<void> => {
      const eventId = await insertEvent(fx.db, { provider, type });
      deadEvent[key] = eventId;
      dead[key] = await insertJob(fx.db, {
        eventId, integrationId, status: 'dead', attemptCount: 3, lastError: `HTTP_4XX: 400 (${key})`, lastStatusCode: 400,
        completedAt: at(hour), createdAt: at(hour - 1),
      });
    };
    await seed('a1', alpha, 'acme', 'order.created', 1);
    await seed('a2', alpha, 'acme', 'order.paid', 3);
    await seed('a3', alpha, 'acme', 'order.created', 5);
    await seed('b1', beta, 'globex', 'invoice.paid', 4);
    const liveEvent = await insertEvent(fx.db);
    await insertJob(fx.db, { eventId: liveEvent, integrationId: alpha, status: 'failed', attemptCount: 1, completedAt: at(6) });
  });

  afterAll(async () => {
    await fx.close();
  });

  const listed = async (query: string): Promise<string[]> => {
    const response = await fx.get(`/api/v1/dead-letters${query}`);
    expect(response.status).toBe(200);
    return dataOf<{ jobId: string }[]>(response).map((row) => row.jobId);
  };

  it('lists dead jobs newest first with their event and integration, paginated', async () => {
    expect(await listed('')).toEqual([dead.a3, dead.b1, dead.a2, dead.a1]);
    const page = await fx.get('/api/v1/dead-letters?page=2&pageSize=3');
    expect(metaOf(page)).toEqual({ page: 2, pageSize: 3, total: 4, totalPages: 2 });
    expect(dataOf(page)).toEqual([{
      jobId: dead.a1, eventId: deadEvent.a1, integrationId: alpha, provider: 'acme', eventType: 'order.created', attemptCount: 3,
      lastError: 'HTTP_4XX: 400 (a1)', lastStatusCode: 400, deadAt: at(1),
    }]);
  });

  it('filters by integrationId, provider, eventType and since', async () => {
    expect(await listed(`?integrationId=${beta}`)).toEqual([dead.b1]);
    expect(await listed('?provider=acme')).toEqual([dead.a3, dead.a2, dead.a1]);
    expect(await listed('?eventType=order.created')).toEqual([dead.a3, dead.a1]);
    expect(await listed(`?since=${encodeURIComponent(at(3))}`)).toEqual([dead.a3, dead.b1, dead.a2]);
    expect(await listed(`?provider=acme&since=${encodeURIComponent(at(4))}`)).toEqual([dead.a3]);
  });

  it.each(['integrationId=alpha', 'since=yesterday', 'pageSize=0', 'status=dead'])('when the query has %s, answers 400 INVALID_QUERY', async (query) => {
    const response = await fx.get(`/api/v1/dead-letters?${query}`);
    expect([response.status, errorOf(response).code]).toEqual([400, 'INVALID_QUERY']);
  });

  it('replays one dead letter as a replay scoped to its integration, keeps the dead job, and audits the JWT subject', async () => {
    const response = await fx.http.post(`/api/v1/dead-letters/${dead.a2}/replay`).set('authorization', fx.bearer('mallory', 'webhooks:write'))
      .set('x-request-id', 'dl-replay-1').send({ requestedBy: 'on-call', reason: 'endpoint fixed' });
    expect(response.status).toBe(202);
    const { replayRequestId } = dataOf<{ replayRequestId: string }>(response);
    expect(dataOf(response)).toEqual({ jobId: dead.a2, replayRequestId: expect.any(String) });
    expect(await replayRow(fx, replayRequestId)).toMatchObject({
      event_id: deadEvent.a2, integration_id: alpha, source_job_id: dead.a2, requested_by: 'on-call', reason: 'endpoint fixed',
    });
    const published = messageFor(await fx.taken(fx.broker.topology.queues.events), 'replayRequestId', replayRequestId);
    expect(published?.body).toEqual({ kind: 'replay', eventId: deadEvent.a2, replayRequestId, provider: 'acme', type: 'order.paid' });
    expect(await jobStatus(fx, dead.a2)).toBe('dead');
    expect(await publishedFact(fx, `dead_letter.replay_requested:${dead.a2}:dl-replay-1`)).toMatchObject({
      entityType: 'dead_letter', entityId: dead.a2, actor: 'mallory', details: { eventId: deadEvent.a2, integrationId: alpha, replayRequestId },
    });
  });

  it('when the job is not dead, answers 409 NOT_DEAD with its status; when unknown, 404 JOB_NOT_FOUND', async () => {
    const eventId = await insertEvent(fx.db);
    const succeeded = await insertJob(fx.db, { eventId, integrationId: beta, status: 'succeeded', attemptCount: 1 });
    const notDead = await fx.post(`/api/v1/dead-letters/${succeeded}/replay`).send({});
    expect([notDead.status, errorOf(notDead).code, errorOf(notDead).details.status]).toEqual([409, 'NOT_DEAD', 'succeeded']);
    expect(await fx.db('replay_requests').where({ source_job_id: succeeded }).first()).toBeUndefined();
    for (const id of [crypto.randomUUID(), 'dead-1']) {
      const unknown = await fx.post(`/api/v1/dead-letters/${id}/replay`).send({});
      expect([unknown.status, errorOf(unknown).code]).toEqual([404, 'JOB_NOT_FOUND']);
    }
  });

  it.each([
    ['the body has no filter', {}],
    ['all is false and no filter is given', { all: false }],
    ['since is not a date-time', { since: 'last week' }],
    ['an unknown field is sent', { status: 'dead', all: true }],
  ])('when %s, bulk replay answers 400 VALIDATION_ERROR and starts nothing', async (_case, body) => {
    const response = await fx.post('/api/v1/dead-letters/replay').send(body);
    expect([response.status, errorOf(response).code]).toEqual([400, 'VALIDATION_ERROR']);
    expect(await fx.db('dead_letter_replays').first()).toBeUndefined();
  });

  it('when the bulk replay id is unknown, answers 404 BULK_REPLAY_NOT_FOUND', async () => {
    for (const id of [crypto.randomUUID(), 'bulk-1']) {
      const response = await fx.get(`/api/v1/dead-letter-replays/${id}`);
      expect([response.status, errorOf(response).code]).toEqual([404, 'BULK_REPLAY_NOT_FOUND']);
    }
  });
});

describe('POST /dead-letters/replay over several batches', () => {
  let fx: ManagementFixture;
  let target: string;
  const deadJobs: string[] = [];
  const DEAD = 130;

  beforeAll(async () => {
    fx = await startManagement('mgmt-bulk');
    target = await insertIntegration(fx.db, { provider: 'acme', name: 'target' });
    const bystander = await insertIntegration(fx.db, { provider: 'acme', name: 'bystander' });
    const events = Array.from({ length: DEAD }, () => crypto.randomUUID());
    const created = new Date(Date.now() - 60_000).toISOString();
    await fx.db('events').insert(events.map((id) => ({
      id, provider: 'acme', external_id: `ext-${id}`, type: 'order.created', occurred_at: created, data: '{}', status: 'failed',
      raw_headers: '{}', raw_body: '{}', published_at: created,
    })));
    const rows = await fx.db('delivery_jobs').insert(events.map((eventId) => ({
      event_id: eventId, integration_id: target, status: 'dead', attempt_count: 3, max_attempts: 3, created_at: created, completed_at: created,
    }))).returning<{ id: string }[]>('id');
    deadJobs.push(...rows.map((row) => row.id));
    await insertJob(fx.db, { eventId: events[0]!, integrationId: bystander, status: 'dead', attemptCount: 3, createdAt: created, completedAt: created });
  });

  afterAll(async () => {
    await fx.close();
  });

  it('answers 202 at once, then files one scoped replay per matching dead job and completes with matched = requeued', async () => {
    const response = await fx.http.post('/api/v1/dead-letters/replay').set('authorization', fx.bearer('niaj', 'webhooks:write'))
      .set('x-request-id', 'bulk-1').send({ integrationId: target, reason: 'after the outage' });
    expect(response.status).toBe(202);
    const { bulkReplayId } = dataOf<{ bulkReplayId: string }>(response);
    expect(dataOf(response)).toEqual({ bulkReplayId: expect.any(String), status: 'running' });

    const finished = await waitFor(async () => {
      const run = dataOf<BulkView>(await fx.get(`/api/v1/dead-letter-replays/${bulkReplayId}`));
      return run.status === 'running' ? undefined : run;
    }, { what: 'the bulk replay to finish', timeoutMs: 20_000 });
    expect(finished).toMatchObject({
      id: bulkReplayId, status: 'completed', matched: DEAD, requeued: DEAD, filter: { integrationId: target },
      createdAt: expect.any(String), completedAt: expect.any(String),
    });

    const replays = await fx.db('replay_requests').select<ReplayRow[]>('integration_id', 'source_job_id', 'requested_by', 'reason', 'published_at');
    expect(replays).toHaveLength(DEAD);
    expect(new Set(replays.map((row) => row.source_job_id))).toEqual(new Set(deadJobs));
    expect(replays.every((row) => row.integration_id === target && row.requested_by === 'niaj' && row.reason === 'after the outage' && row.published_at)).toBe(true);
    const messages = await fx.taken(fx.broker.topology.queues.events);
    expect(messages.filter((message) => (message.body as { kind: string }).kind === 'replay')).toHaveLength(DEAD);
    expect(await fx.db('delivery_jobs').where({ status: 'dead' }).count<{ count: number }[]>({ count: '*' }).first()).toEqual({ count: DEAD + 1 });
    expect(await publishedFact(fx, `dead_letter.bulk_replay_requested:${bulkReplayId}`)).toMatchObject({
      entityType: 'dead_letter', entityId: bulkReplayId, actor: 'niaj', details: { filter: { integrationId: target } },
    });
  });

  it('with all: true, replays the dead jobs of every integration and records the filter', async () => {
    const response = await fx.post('/api/v1/dead-letters/replay').send({ all: true });
    expect(response.status).toBe(202);
    const { bulkReplayId } = dataOf<{ bulkReplayId: string }>(response);
    const finished = await waitFor(async () => {
      const run = dataOf<BulkView>(await fx.get(`/api/v1/dead-letter-replays/${bulkReplayId}`));
      return run.status === 'running' ? undefined : run;
    }, { what: 'the bulk replay to finish', timeoutMs: 20_000 });
    expect(finished).toMatchObject({ status: 'completed', matched: DEAD + 1, requeued: DEAD + 1, filter: { all: true } });
    expect(await fx.db('replay_requests').where({ requested_by: 'api-key' }).count<{ count: number }[]>({ count: '*' }).first()).toEqual({ count: DEAD + 1 });
  });
});
