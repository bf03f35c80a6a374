import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createTestBroker, silentLogger, testConfig, type TestBroker } from '@hookway/testing';
import { start, type RunningManagement } from '../src/main.js';
import { dataOf, errorOf, idsOf, insertIntegration, RETRY_SCHEDULE_MS, startManagement, type ManagementFixture } from './management-fixture.js';

describe('management access, health and integrations', () => {
  let fx: ManagementFixture;

  beforeAll(async () => {
    fx = await startManagement('mgmt-access');
  });

  afterAll(async () => {
    await fx.close();
  });

  it('when no api key is sent, returns 401 UNAUTHORIZED', async () => {
    const response = await fx.http.get('/api/v1/events');
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ success: false, error: expect.objectContaining({ code: 'UNAUTHORIZED' }) });
  });

  it('when the api key is wrong, returns 401 UNAUTHORIZED on every protected route', async () => {
    for (const path of ['/api/v1/integrations', '/api/v1/events', '/api/v1/deliveries', '/api/v1/audit-entries', '/api/v1/audit-entries/verify']) {
      const response = await fx.http.get(path).set('x-internal-api-key', `${fx.config.managementApiKey}x`);
      expect([path, response.status, errorOf(response).code]).toEqual([path, 401, 'UNAUTHORIZED']);
    }
    const replay = await fx.http.post(`/api/v1/events/${crypto.randomUUID()}/replay`).set('x-internal-api-key', 'wrong-key-123')
      .send({ requestedBy: 'ops', reason: 'test' });
    expect(replay.status).toBe(401);
  });

  it('when dependencies are up, health is public and reports postgres and rabbitmq', async () => {
    const response = await fx.http.get('/api/v1/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ success: true, data: { status: 'ok', checks: { postgres: { status: 'up' }, rabbitmq: { status: 'up' } } }, meta: {} });
  });

  it('when the route does not exist, returns the 404 envelope', async () => {
    const response = await fx.get('/api/v1/no-such-thing');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
  });

  it('lists integrations filtered by provider and activeOnly, without any secret column', async () => {
    const acmeActive = await insertIntegration(fx.db, { provider: 'acme', state: 'active', name: 'acme orders' });
    const acmePaused = await insertIntegration(fx.db, { provider: 'acme', state: 'paused' });
    const globexActive = await insertIntegration(fx.db, { provider: 'globex', state: 'active' });
    const ids = async (query: string): Promise<string[]> => {
      const response = await fx.get(`/api/v1/integrations${query}`);
      expect(response.status).toBe(200);
      return idsOf(response).sort();
    };

    expect(await ids('')).toEqual([acmeActive, acmePaused, globexActive].sort());
    expect(await ids('?provider=acme')).toEqual([acmeActive, acmePaused].sort());
    expect(await ids('?activeOnly=true')).toEqual([acmeActive, globexActive].sort());
    expect(await ids('?activeOnly=false')).toEqual([acmeActive, acmePaused, globexActive].sort());
    expect(await ids('?provider=acme&activeOnly=true')).toEqual([acmeActive]);

    const response = await fx.get('/api/v1/integrations?provider=acme&activeOnly=true');
    expect(Object.keys(dataOf<object[]>(response)[0]!).sort()).toEqual([
      'consecutiveFailures', 'createdAt', 'description', 'disabledReason', 'eventTypes', 'filter', 'headers', 'id', 'name', 'ordering',
      'orderingOnDead', 'provider', 'rateLimit', 'state', 'updatedAt', 'url', 'verifiedAt', 'workspaceId',
    ]);
    expect(dataOf<unknown[]>(response)[0]).toMatchObject({ name: 'acme orders', eventTypes: ['order.*'], headers: { 'x-team': 'ops' }, state: 'active' });
    expect(response.text).not.toContain('sealed');
  });

  it('when activeOnly is not a boolean, returns 400 INVALID_QUERY', async () => {
    const response = await fx.get('/api/v1/integrations?activeOnly=maybe');
    expect(response.status).toBe(400);
    expect(errorOf(response)).toMatchObject({ code: 'INVALID_QUERY', details: { errors: [expect.objectContaining({ path: '/activeOnly' })] } });
  });
});

describe('management with the database unreachable', () => {
  let broker: TestBroker;
  let service: RunningManagement;
  let http: ReturnType<typeof request>;
  let apiKey: string;

  beforeAll(async () => {
    broker = await createTestBroker('mgmt-nodb', RETRY_SCHEDULE_MS);
    // Nothing listens on port 1: every connection attempt is refused at once.
    const config = testConfig({ databaseUrl: 'postgres://postgres@127.0.0.1:1/hookway', brokerPrefix: broker.prefix });
    apiKey = config.managementApiKey;
    service = await start(config, silentLogger('management'));
    http = request(`http://127.0.0.1:${service.port}`);
  });

  afterAll(async () => {
    await service.stop();
    await broker.cleanup();
  });

  it('answers 503 UNAVAILABLE on data routes and a degraded health naming postgres', async () => {
    const events = await http.get('/api/v1/events').set('x-internal-api-key', apiKey);
    expect(events.status).toBe(503);
    expect(events.body).toMatchObject({ success: false, error: { code: 'UNAVAILABLE' } });

    const health = await http.get('/api/v1/health');
    expect(health.status).toBe(503);
    expect(dataOf(health)).toEqual({ status: 'degraded', checks: { postgres: { status: 'down' }, rabbitmq: { status: 'up' } } });
  });
});
