// The documented contract: lint-clean, and every operation answers as openapi/management.yaml says,
// success and error alike.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import type request from 'supertest';
import { loadOpenApi } from '@hookway/http';
import { DEFAULT_WORKSPACE_ID } from '@hookway/contracts';
import { lintOpenApi, operationsOf, responseChecker, seedApiKey, seedIntegration, startReceiver, waitFor, type Receiver } from '@hookway/testing';
import { dataOf, insertAttempt, insertEvent, insertJob, integrationBody, startManagement, type ManagementFixture } from './management-fixture.js';

const specPath = fileURLToPath(new URL('../../../openapi/management.yaml', import.meta.url));
const spec = loadOpenApi(specPath);


describe('openapi/management.yaml', () => {
  let fx: ManagementFixture;
  let receiver: Receiver;

  beforeAll(async () => {
    fx = await startManagement('mgmt-oas');
    receiver = await startReceiver();
    receiver.reply((req) => ({ status: 200, headers: { 'content-type': 'application/json' }, body: req.body }));
  });

  afterAll(async () => {
    await receiver.close();
    await fx.close();
  });

  it('is clean under Redocly\'s recommended rules', async () => {
    expect(await lintOpenApi(specPath)).toEqual([]);
  });

  it('describes every response each operation gives, success and error alike', async () => {
    const integration = dataOf<{ id: string }>(await fx.post('/api/v1/integrations').send(integrationBody({ url: `${receiver.url}/hook` })));
    const doomed = dataOf<{ id: string }>(await fx.post('/api/v1/integrations').send(integrationBody({ name: 'doomed' })));
    const eventId = await insertEvent(fx.db, { status: 'failed' });
    const deadJob = await insertJob(fx.db, { eventId, integrationId: integration.id, status: 'dead', attemptCount: 3, completedAt: new Date().toISOString() });
    await insertAttempt(fx.db, { jobId: deadJob, eventId, integrationId: integration.id, attemptNumber: 1, status: 'failed', statusCode: 500 });
    const pendingEvent = await insertEvent(fx.db);
    const pendingJob = await insertJob(fx.db, { eventId: pendingEvent, integrationId: integration.id, status: 'pending' });
    // Held behind the open job of its subject, and old enough to be the overview's oldest pending job.
    const waitingJob = await insertJob(fx.db, {
      eventId: await insertEvent(fx.db), integrationId: integration.id, status: 'waiting', orderKey: 'order 1', orderSeq: 2, createdAt: '2020-01-01T00:00:00.000Z',
    });
    const unknown = crypto.randomUUID();
    const bulk = dataOf<{ bulkReplayId: string }>(await fx.post('/api/v1/dead-letters/replay').send({ all: true }));
    await waitFor(async () => dataOf<{ status: string }>(await fx.get(`/api/v1/dead-letter-replays/${bulk.bulkReplayId}`)).status !== 'running');
    const reader = fx.bearer('reader', 'webhooks:read');
    const i = `/api/v1/integrations/${integration.id}`;
    const source = dataOf<{ id: string }>(await fx.post('/api/v1/sources').send({ key: 'oas-github', name: 'oas', verifier: { type: 'github' } }));
    const doomedSource = dataOf<{ id: string }>(await fx.post('/api/v1/sources').send({ key: 'oas-doomed', name: 'doomed', verifier: { type: 'none' } }));
    const s = `/api/v1/sources/${source.id}`;
    const workspace = dataOf<{ id: string }>(await fx.post('/api/v1/workspaces').send({ slug: 'oas-team', name: 'OAS team' }));
    const w = `/api/v1/workspaces/${workspace.id}`;
    const doomedWorkspace = dataOf<{ id: string }>(await fx.post('/api/v1/workspaces').send({ slug: 'oas-doomed', name: 'doomed' }));
    const busyWorkspace = dataOf<{ id: string }>(await fx.post('/api/v1/workspaces').send({ slug: 'oas-busy', name: 'busy' }));
    await seedIntegration(fx.db, { workspaceId: busyWorkspace.id, url: 'http://127.0.0.1:9/hook', secretSealed: 'sealed' });
    const teamKey = await seedApiKey(fx.db, { workspaceId: workspace.id, scopes: ['webhooks:read', 'webhooks:write'], name: 'oas-team-key' });
    const revokedKey = await seedApiKey(fx.db, { workspaceId: workspace.id, scopes: ['webhooks:read'] });

    const calls: [string, () => request.Test][] = [
      ['GET /health', () => fx.http.get('/api/v1/health')],
      ['GET /openapi.json', () => fx.http.get('/api/v1/openapi.json')],
      ['GET /stream', () => fx.http.get('/api/v1/stream').query({ key: fx.config.managementApiKey, integrationId: 'not-a-uuid' })],
      ['GET /stream', () => fx.http.get('/api/v1/stream')],
      ['GET /integrations', () => fx.get('/api/v1/integrations?provider=acme')],
      ['GET /integrations', () => fx.get('/api/v1/integrations?activeOnly=maybe')],
      ['GET /integrations', () => fx.http.get('/api/v1/integrations')],
      ['POST /integrations', () => fx.post('/api/v1/integrations').set('idempotency-key', 'oas-1').send(integrationBody({ name: 'oas' }))],
      ['POST /integrations', () => fx.post('/api/v1/integrations').set('idempotency-key', 'oas-1').send(integrationBody({ name: 'other' }))],
      ['POST /integrations', () => fx.post('/api/v1/integrations').send(integrationBody({ provider: 'nope' }))],
      ['POST /integrations', () => fx.post('/api/v1/integrations').send(integrationBody({ url: 'ftp://x' }))],
      ['POST /integrations', () => fx.http.post('/api/v1/integrations').set('authorization', reader).send(integrationBody())],
      ['GET /integrations/{id}', () => fx.get(i)],
      ['GET /integrations/{id}', () => fx.get(`/api/v1/integrations/${unknown}`)],
      ['PATCH /integrations/{id}', () => fx.patch(i).send({ description: 'patched' })],
      ['PATCH /integrations/{id}', () => fx.patch(i).send({})],
      ['DELETE /integrations/{id}', () => fx.delete(`/api/v1/integrations/${doomed.id}`)],
      ['DELETE /integrations/{id}', () => fx.delete(`/api/v1/integrations/${doomed.id}`)],
      ['POST /integrations/{id}/pause', () => fx.post(`${i}/pause`)],
      ['POST /integrations/{id}/resume', () => fx.post(`${i}/resume`)],
      ['POST /integrations/{id}/resume', () => fx.post(`/api/v1/integrations/${unknown}/resume`)],
      ['POST /integrations/{id}/rotate-secret', () => fx.post(`${i}/rotate-secret`)],
      ['POST /integrations/{id}/test', () => fx.post(`${i}/test`)],
      ['POST /integrations/{id}/verify', () => fx.post(`${i}/verify`)],
      ['POST /integrations', () => fx.post('/api/v1/integrations').send(integrationBody({
        name: 'controlled', filter: { 'data.total': { $gte: 1000 } }, rateLimit: { perSecond: 5 },
      }))],
      ['POST /integrations', () => fx.post('/api/v1/integrations').send(integrationBody({ filter: { 'data.total': { $regex: 'x' } } }))],
      ['PATCH /integrations/{id}', () => fx.patch(i).send({ filter: { type: 'order.created' }, rateLimit: { perSecond: 2, burst: 4 } })],
      ['POST /integrations', () => fx.post('/api/v1/integrations').send(integrationBody({ name: 'ordered', ordering: 'subject', orderingOnDead: 'block' }))],
      ['POST /integrations', () => fx.post('/api/v1/integrations').send(integrationBody({ ordering: 'events' }))],
      ['PATCH /integrations/{id}', () => fx.patch(i).send({ ordering: 'subject', orderingOnDead: 'block' })],
      ['PATCH /integrations/{id}', () => fx.patch(i).send({ orderingOnDead: 'wait' })],
      ['POST /integrations/{id}/filter-test', () => fx.post(`${i}/filter-test`).send({ event: { type: 'order.created', data: { total: 5 } } })],
      ['POST /integrations/{id}/filter-test', () => fx.post(`${i}/filter-test`).send({ event: { type: 'x' }, filter: { $or: [] } })],
      ['POST /integrations/{id}/filter-test', () => fx.post(`/api/v1/integrations/${unknown}/filter-test`).send({ event: { type: 'x' } })],
      ['GET /integrations/{id}/stats', () => fx.get(`${i}/stats`)],
      ['DELETE /integrations/{id}/deliveries', () => fx.delete(`${i}/deliveries`)],
      ['GET /sources', () => fx.get('/api/v1/sources')],
      ['POST /sources', () => fx.post('/api/v1/sources').send({ key: 'oas-stripe', name: 'stripe', verifier: { type: 'stripe' }, rateLimit: { perSecond: 5, burst: 10 } })],
      ['POST /sources', () => fx.post('/api/v1/sources').send({ key: 'oas-stripe', name: 'stripe again', verifier: { type: 'stripe' } })],
      ['POST /sources', () => fx.post('/api/v1/sources').send({ key: 'oas-bad', name: 'bad', verifier: { type: 'hmac' } })],
      ['GET /sources/{id}', () => fx.get(s)],
      ['GET /sources/{id}', () => fx.get(`/api/v1/sources/${unknown}`)],
      ['PATCH /sources/{id}', () => fx.patch(s).send({ name: 'renamed' })],
      ['PATCH /sources/{id}', () => fx.patch(s).send({ mapping: { eventId: {} } })],
      ['DELETE /sources/{id}', () => fx.delete(`/api/v1/sources/${doomedSource.id}`)],
      ['DELETE /sources/{id}', () => fx.delete(`/api/v1/sources/${doomedSource.id}`)],
      ['POST /sources/{id}/pause', () => fx.post(`${s}/pause`)],
      ['POST /sources/{id}/resume', () => fx.post(`${s}/resume`)],
      ['POST /sources/{id}/rotate-secret', () => fx.post(`${s}/rotate-secret`).send({ graceSeconds: 60 })],
      ['POST /sources/{id}/rotate-secret', () => fx.post(`${s}/rotate-secret`).send({ graceSeconds: -1 })],
      ['GET /event-types', () => fx.get('/api/v1/event-types')],
      ['GET /events', () => fx.get('/api/v1/events')],
      ['GET /events/{id}', () => fx.get(`/api/v1/events/${eventId}`)],
      ['GET /events/{id}/status', () => fx.get(`/api/v1/events/${eventId}/status`)],
      ['GET /processing-status/{id}', () => fx.get(`/api/v1/processing-status/${unknown}`)],
      ['POST /events/{id}/replay', () => fx.post(`/api/v1/events/${eventId}/replay`).send({ requestedBy: 'ops', reason: 'oas' })],
      ['GET /jobs/{id}', () => fx.get(`/api/v1/jobs/${deadJob}`)],
      ['GET /jobs/{id}', () => fx.get(`/api/v1/jobs/${unknown}`)],
      ['GET /jobs/{id}', () => fx.get(`/api/v1/jobs/${waitingJob}`)],
      ['POST /jobs/{id}/retry', () => fx.post(`/api/v1/jobs/${waitingJob}/retry`)],
      ['POST /jobs/{id}/retry', () => fx.post(`/api/v1/jobs/${deadJob}/retry`)],
      ['POST /jobs/{id}/retry', () => fx.post(`/api/v1/jobs/${pendingJob}/retry`)],
      ['POST /jobs/{id}/retry', () => fx.post(`/api/v1/jobs/${deadJob}/retry`).send({ colour: 'red' })],
      ['GET /dead-letters', () => fx.get('/api/v1/dead-letters')],
      ['GET /dead-letters', () => fx.get('/api/v1/dead-letters?since=soon')],
      ['POST /dead-letters/{jobId}/replay', () => fx.post(`/api/v1/dead-letters/${deadJob}/replay`).send({ reason: 'oas' })],
      ['POST /dead-letters/{jobId}/replay', () => fx.post(`/api/v1/dead-letters/${pendingJob}/replay`)],
      ['POST /dead-letters/{jobId}/replay', () => fx.post(`/api/v1/dead-letters/${unknown}/replay`)],
      ['POST /dead-letters/replay', () => fx.post('/api/v1/dead-letters/replay').send({ provider: 'acme' })],
      ['POST /dead-letters/replay', () => fx.post('/api/v1/dead-letters/replay').send({})],
      ['GET /dead-letter-replays/{id}', () => fx.get(`/api/v1/dead-letter-replays/${bulk.bulkReplayId}`)],
      ['GET /dead-letter-replays/{id}', () => fx.get(`/api/v1/dead-letter-replays/${unknown}`)],
      ['GET /deliveries', () => fx.get('/api/v1/deliveries')],
      ['GET /audit-entries', () => fx.get('/api/v1/audit-entries')],
      ['GET /audit-entries/verify', () => fx.get('/api/v1/audit-entries/verify')],
      ['GET /stats/overview', () => fx.get('/api/v1/stats/overview?minutes=5')],
      ['GET /stats/overview', () => fx.get('/api/v1/stats/overview?minutes=0')],
      ['GET /workspaces', () => fx.get('/api/v1/workspaces')],
      ['GET /workspaces', () => fx.get('/api/v1/workspaces?pageSize=0')],
      ['POST /workspaces', () => fx.post('/api/v1/workspaces').send({ slug: 'oas-new', name: 'new', description: 'oas' })],
      ['POST /workspaces', () => fx.post('/api/v1/workspaces').send({ slug: 'oas-new', name: 'again' })],
      ['POST /workspaces', () => fx.post('/api/v1/workspaces').send({ slug: 'Not A Slug', name: 'bad' })],
      ['POST /workspaces', () => fx.http.post('/api/v1/workspaces').set('authorization', `Bearer ${teamKey.key}`).send({ slug: 'oas-key', name: 'key' })],
      ['GET /workspaces/{workspaceId}', () => fx.get(w)],
      ['GET /workspaces/{workspaceId}', () => fx.http.get(`/api/v1/workspaces/${DEFAULT_WORKSPACE_ID}`).set('authorization', `Bearer ${teamKey.key}`)],
      ['PATCH /workspaces/{workspaceId}', () => fx.patch(w).send({ description: 'patched' })],
      ['PATCH /workspaces/{workspaceId}', () => fx.patch(w).send({ slug: 'renamed' })],
      ['DELETE /workspaces/{workspaceId}', () => fx.delete(`/api/v1/workspaces/${doomedWorkspace.id}`)],
      ['DELETE /workspaces/{workspaceId}', () => fx.delete(`/api/v1/workspaces/${doomedWorkspace.id}`)],
      ['DELETE /workspaces/{workspaceId}', () => fx.delete(`/api/v1/workspaces/${busyWorkspace.id}`)],
      ['DELETE /workspaces/{workspaceId}', () => fx.delete(`/api/v1/workspaces/${DEFAULT_WORKSPACE_ID}`)],
      ['DELETE /workspaces/{workspaceId}', () => fx.http.delete(w).set('authorization', `Bearer ${teamKey.key}`)],
      ['POST /workspaces/{workspaceId}/api-keys', () => fx.post(`${w}/api-keys`).send({ name: 'oas', scopes: ['events:publish'], rateLimit: { perSecond: 5, burst: 10 } })],
      ['POST /workspaces/{workspaceId}/api-keys', () => fx.post(`${w}/api-keys`).send({ name: 'oas', scopes: ['webhooks:read'] })],
      ['POST /workspaces/{workspaceId}/api-keys', () => fx.post(`${w}/api-keys`).send({ name: 'oas-bad', scopes: [] })],
      ['POST /workspaces/{workspaceId}/api-keys', () => fx.http.post(`${w}/api-keys`).set('authorization', `Bearer ${teamKey.key}`).send({ name: 'up', scopes: ['events:publish'] })],
      ['POST /workspaces/{workspaceId}/api-keys', () => fx.post(`/api/v1/workspaces/${unknown}/api-keys`).send({ name: 'ghost', scopes: ['webhooks:read'] })],
      ['GET /workspaces/{workspaceId}/api-keys', () => fx.get(`${w}/api-keys`)],
      ['GET /workspaces/{workspaceId}/api-keys', () => fx.get(`/api/v1/workspaces/${unknown}/api-keys`)],
      ['DELETE /workspaces/{workspaceId}/api-keys/{keyId}', () => fx.delete(`${w}/api-keys/${revokedKey.id}`)],
      ['DELETE /workspaces/{workspaceId}/api-keys/{keyId}', () => fx.delete(`${w}/api-keys/${unknown}`)],
    ];
    const checker = responseChecker(spec);
    const { statuses, problems } = await checker.walk(calls);
    expect(problems).toEqual([]);
    expect(statuses).toEqual(expect.arrayContaining([
      'POST /integrations 201', 'POST /integrations 409', 'POST /integrations 400', 'POST /integrations 403', 'GET /integrations 401',
      'DELETE /integrations/{id} 204', 'DELETE /integrations/{id} 404', 'POST /jobs/{id}/retry 202', 'POST /jobs/{id}/retry 409',
      'POST /dead-letters/{jobId}/replay 202', 'POST /dead-letters/{jobId}/replay 409', 'POST /dead-letters/replay 202',
      'GET /dead-letter-replays/{id} 200', 'GET /dead-letter-replays/{id} 404',
      'POST /workspaces 201', 'POST /workspaces 409', 'POST /workspaces 400', 'POST /workspaces 403', 'GET /workspaces/{workspaceId} 404',
      'DELETE /workspaces/{workspaceId} 204', 'DELETE /workspaces/{workspaceId} 409', 'DELETE /workspaces/{workspaceId} 403',
      'POST /workspaces/{workspaceId}/api-keys 201', 'POST /workspaces/{workspaceId}/api-keys 409', 'POST /workspaces/{workspaceId}/api-keys 403',
      'DELETE /workspaces/{workspaceId}/api-keys/{keyId} 204', 'DELETE /workspaces/{workspaceId}/api-keys/{keyId} 404',
    ]));
    // Every documented operation was walked.
    expect([...new Set(calls.map(([operation]) => operation))].sort()).toEqual(operationsOf(spec).sort());
  });
});

describe('the served contract', () => {
  it('GET /api/v1/openapi.json serves openapi/management.yaml without credentials', async () => {
    const fx = await startManagement('mgmtoasserve');
    try {
      const served = await fx.http.get('/api/v1/openapi.json');
      expect(served.status).toBe(200);
      expect(served.body).toEqual(JSON.parse(JSON.stringify(loadOpenApi(specPath))) as unknown);
    } finally {
      await fx.close();
    }
  });
});
