import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { captureLogger, seedApiKey, seedWorkspace } from '@hookway/testing';
import { hashApiKey } from '@hookway/signing';
import { start, type RunningManagement } from '../src/main.js';
import { dataOf, errorOf, integrationBody, metaOf, publishedFact, publishedFacts, startManagement, type ManagementFixture } from './management-fixture.js';
import { expectDocumented, keyBearer, narrowedBearer } from './workspace-helpers.js';

interface ApiKeyJson {
  id: string;
  workspaceId: string;
  name: string;
  prefix: string;
  scopes: string[];
  rateLimit: { perSecond: number; burst: number } | null;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  key?: string;
}

describe('workspace API keys', () => {
  let fx: ManagementFixture;
  let workspace: string;
  let otherWorkspace: string;

  beforeAll(async () => {
    fx = await startManagement('mgmt-api-keys');
    workspace = await seedWorkspace(fx.db, { slug: 'keys-team', name: 'Keys team' });
    otherWorkspace = await seedWorkspace(fx.db, { slug: 'keys-other', name: 'Other team' });
  });

  afterAll(async () => {
    await fx.close();
  });

  const keysOf = (id: string): string => `/api/v1/workspaces/${id}/api-keys`;
  const createKey = async (body: Record<string, unknown>, id = workspace, authorization?: string): Promise<request.Response> => {
    const call = authorization === undefined ? fx.post(keysOf(id)) : fx.http.post(keysOf(id)).set('authorization', authorization);
    return expectDocumented('POST /workspaces/{workspaceId}/api-keys', await call.send(body));
  };
  const revoke = async (keyId: string, id = workspace, authorization?: string): Promise<request.Response> => {
    const path = `${keysOf(id)}/${keyId}`;
    const call = authorization === undefined ? fx.delete(path) : fx.http.delete(path).set('authorization', authorization);
    return expectDocumented('DELETE /workspaces/{workspaceId}/api-keys/{keyId}', await call);
  };
  const listKeys = async (id = workspace, authorization?: string): Promise<request.Response> => {
    const call = authorization === undefined ? fx.get(keysOf(id)) : fx.http.get(keysOf(id)).set('authorization', authorization);
    return expectDocumented('GET /workspaces/{workspaceId}/api-keys', await call);
  };

  it('creates a key (201) shown this once, stored only as its SHA-256, and audits api_key.created with its workspace and without the key', async () => {
    const response = await createKey({ name: 'checkout', scopes: ['webhooks:read', 'events:publish'], rateLimit: { perSecond: 5, burst: 10 } });
    expect(response.status).toBe(201);
    const created = dataOf<ApiKeyJson>(response);
    expect(created).toEqual({
      id: expect.any(String), workspaceId: workspace, name: 'checkout', prefix: created.key!.slice(0, 12),
      // Stored in the order API_KEY_SCOPES gives them.
      scopes: ['events:publish', 'webhooks:read'], rateLimit: { perSecond: 5, burst: 10 }, createdBy: 'api-key',
      createdAt: expect.any(String), lastUsedAt: null, revokedAt: null, key: expect.stringMatching(/^hwk_[A-Za-z0-9_-]{43}$/),
    });
    const row = await fx.db('api_keys').where({ id: created.id }).first<Record<string, unknown>>();
    expect(row).toMatchObject({ key_hash: hashApiKey(created.key!), key_prefix: created.prefix });
    expect(JSON.stringify(row)).not.toContain(created.key);

    const fact = await publishedFact(fx, `api_key.created:${created.id}:${response.headers['x-request-id'] as string}`);
    expect(fact).toMatchObject({
      entityType: 'api_key', entityId: created.id, action: 'created', actor: 'api-key', workspaceId: workspace,
      details: { name: 'checkout', prefix: created.prefix, scopes: ['events:publish', 'webhooks:read'], rateLimit: { perSecond: 5, burst: 10 } },
    });
    expect(JSON.stringify(fact)).not.toContain(created.key);
  });

  it('lists the workspace\'s keys newest first with their prefix only, never the key', async () => {
    const first = dataOf<ApiKeyJson>(await createKey({ name: 'list-first', scopes: ['webhooks:read'] }));
    const second = dataOf<ApiKeyJson>(await createKey({ name: 'list-second', scopes: ['webhooks:read'] }));
    await createKey({ name: 'elsewhere', scopes: ['webhooks:read'] }, otherWorkspace);

    const response = await listKeys();
    expect(response.status).toBe(200);
    const listed = dataOf<ApiKeyJson[]>(response);
    expect(listed.slice(0, 2).map((key) => key.id)).toEqual([second.id, first.id]);
    expect(listed.every((key) => key.workspaceId === workspace && !('key' in key))).toBe(true);
    expect(listed[0]).toEqual({ ...second, key: undefined });
    expect(JSON.stringify(response.body)).not.toContain(first.key);
    expect(JSON.stringify(response.body)).not.toContain(second.key);
    expect(metaOf(response)).toMatchObject({ page: 1, pageSize: 20, total: listed.length });
  });

  it('a created read-only key reads this workspace\'s routes, gets 403 INSUFFICIENT_SCOPE on a write, and 401 at once after it is revoked', async () => {
    const created = dataOf<ApiKeyJson>(await createKey({ name: 'reader', scopes: ['webhooks:read'] }));
    const reader = keyBearer(created.key!);
    expect((await fx.http.get('/api/v1/integrations').set('authorization', reader)).status).toBe(200);
    expect((await fx.http.get(`/api/v1/workspaces/${workspace}`).set('authorization', reader)).status).toBe(200);
    const write = await fx.http.post('/api/v1/integrations').set('authorization', reader).send(integrationBody());
    expect([write.status, errorOf(write).code]).toEqual([403, 'INSUFFICIENT_SCOPE']);
    // Its use is noted (to the minute): the listing shows when it was last used.
    expect(dataOf<ApiKeyJson[]>(await listKeys()).find((key) => key.id === created.id)?.lastUsedAt).toEqual(expect.any(String));

    const revoked = await revoke(created.id);
    expect(revoked.status).toBe(204);
    const after = await fx.http.get('/api/v1/integrations').set('authorization', reader);
    expect([after.status, errorOf(after).code]).toEqual([401, 'UNAUTHORIZED']);
    const listed = dataOf<ApiKeyJson[]>(await listKeys()).find((key) => key.id === created.id);
    expect(listed?.revokedAt).toEqual(expect.any(String));
    expect(await publishedFact(fx, `api_key.revoked:${created.id}:${revoked.headers['x-request-id'] as string}`)).toMatchObject({
      entityType: 'api_key', action: 'revoked', actor: 'api-key', workspaceId: workspace, details: { name: 'reader', prefix: created.prefix },
    });
  });

  it('revoking a revoked key answers 204 again, keeps its revokedAt and publishes no second fact', async () => {
    const created = dataOf<ApiKeyJson>(await createKey({ name: 'twice', scopes: ['webhooks:read'] }));
    await revoke(created.id);
    const revokedAt = (await fx.db('api_keys').where({ id: created.id }).first<{ revoked_at: Date }>())?.revoked_at;
    const again = await revoke(created.id);
    expect(again.status).toBe(204);
    expect((await fx.db('api_keys').where({ id: created.id }).first<{ revoked_at: Date }>())?.revoked_at).toEqual(revokedAt);
    expect(await publishedFact(fx, `api_key.revoked:${created.id}:${again.headers['x-request-id'] as string}`)).toBeUndefined();
  });

  it.each(['an unknown key', 'a key id that is not a UUID'])('revoking %s answers 404 API_KEY_NOT_FOUND', async (kind) => {
    const response = await revoke(kind === 'an unknown key' ? crypto.randomUUID() : 'not-a-uuid');
    expect([response.status, errorOf(response).code]).toEqual([404, 'API_KEY_NOT_FOUND']);
  });

  it('a key of another workspace cannot be revoked through this workspace\'s path (404) and keeps working', async () => {
    const elsewhere = dataOf<ApiKeyJson>(await createKey({ name: 'other-reader', scopes: ['webhooks:read'] }, otherWorkspace));
    const response = await revoke(elsewhere.id, workspace);
    expect([response.status, errorOf(response).code]).toEqual([404, 'API_KEY_NOT_FOUND']);
    expect((await fx.http.get('/api/v1/integrations').set('authorization', keyBearer(elsewhere.key!))).status).toBe(200);
  });

  it.each(['an unknown workspace', 'a workspace id that is not a UUID'])('for %s, creating, listing and revoking keys answer 404 WORKSPACE_NOT_FOUND', async (kind) => {
    const workspaceId = kind === 'an unknown workspace' ? crypto.randomUUID() : 'nope';
    for (const response of [
      await createKey({ name: 'ghost', scopes: ['webhooks:read'] }, workspaceId),
      await listKeys(workspaceId),
      await revoke(crypto.randomUUID(), workspaceId),
    ]) expect([response.status, errorOf(response).code]).toEqual([404, 'WORKSPACE_NOT_FOUND']);
  });

  it.each([
    ['no scopes', { name: 'x', scopes: [] }],
    ['an unknown scope', { name: 'x', scopes: ['webhooks:admin'] }],
    ['a repeated scope', { name: 'x', scopes: ['webhooks:read', 'webhooks:read'] }],
    ['a rate limit without a burst', { name: 'x', scopes: ['events:publish'], rateLimit: { perSecond: 5 } }],
    ['a blank name', { name: ' ', scopes: ['webhooks:read'] }],
  ])('when the body has %s, answers 400 VALIDATION_ERROR', async (_case, body) => {
    const response = await createKey(body);
    expect([response.status, errorOf(response).code]).toEqual([400, 'VALIDATION_ERROR']);
  });

  it('refuses a second live key with the same name in a workspace (409 API_KEY_NAME_TAKEN), and takes the name again once that key is revoked', async () => {
    const first = dataOf<ApiKeyJson>(await createKey({ name: 'deployer', scopes: ['webhooks:read'] }));
    const taken = await createKey({ name: 'deployer', scopes: ['webhooks:write'] });
    expect([taken.status, errorOf(taken).code, errorOf(taken).details]).toEqual([409, 'API_KEY_NAME_TAKEN', { name: 'deployer' }]);
    // Another workspace's keys are another namespace.
    expect((await createKey({ name: 'deployer', scopes: ['webhooks:read'] }, otherWorkspace)).status).toBe(201);
    await revoke(first.id);
    expect((await createKey({ name: 'deployer', scopes: ['webhooks:read'] })).status).toBe(201);
  });

  describe('managed by a workspace key', () => {
    let admin: string;
    let adminId: string;

    beforeAll(async () => {
      const seeded = await seedApiKey(fx.db, { workspaceId: workspace, scopes: ['webhooks:read', 'webhooks:write'], name: 'team-admin' });
      admin = keyBearer(seeded.key);
      adminId = seeded.id;
    });

    it('creates a key with scopes it holds, recorded and audited with the key\'s name as actor and creator', async () => {
      const response = await createKey({ name: 'by-admin', scopes: ['webhooks:read'] }, workspace, admin);
      expect(response.status).toBe(201);
      const created = dataOf<ApiKeyJson>(response);
      expect(created).toMatchObject({ workspaceId: workspace, createdBy: 'team-admin' });
      expect(await publishedFact(fx, `api_key.created:${created.id}:${response.headers['x-request-id'] as string}`)).toMatchObject({
        actor: 'team-admin', workspaceId: workspace,
      });
    });

    it('may not grant a scope it does not hold: 403 SCOPE_NOT_HELD naming it, and no key is created', async () => {
      const before = await fx.db('api_keys').where({ workspace_id: workspace }).count<{ count: number }[]>({ count: '*' });
      const response = await createKey({ name: 'escalated', scopes: ['webhooks:read', 'events:publish'] }, workspace, admin);
      expect([response.status, errorOf(response).code, errorOf(response).details]).toEqual([403, 'SCOPE_NOT_HELD', { scopes: ['events:publish'] }]);
      expect(await fx.db('api_keys').where({ workspace_id: workspace }).count<{ count: number }[]>({ count: '*' })).toEqual(before);
    });

    it('lists and revokes its own workspace\'s keys, and sees another workspace\'s keys as missing (404)', async () => {
      expect((await listKeys(workspace, admin)).status).toBe(200);
      const victim = dataOf<ApiKeyJson>(await createKey({ name: 'victim', scopes: ['webhooks:read'] }, otherWorkspace));
      for (const response of [
        await listKeys(otherWorkspace, admin),
        await createKey({ name: 'intruder', scopes: ['webhooks:read'] }, otherWorkspace, admin),
        await revoke(victim.id, otherWorkspace, admin),
      ]) expect([response.status, errorOf(response).code]).toEqual([404, 'WORKSPACE_NOT_FOUND']);
      expect(await fx.db('api_keys').where({ workspace_id: otherWorkspace, name: 'intruder' }).select('id')).toEqual([]);
      expect((await fx.http.get('/api/v1/integrations').set('authorization', keyBearer(victim.key!))).status).toBe(200);

      const own = dataOf<ApiKeyJson>(await createKey({ name: 'short-lived', scopes: ['webhooks:read'] }));
      const revoked = await revoke(own.id, workspace, admin);
      expect(revoked.status).toBe(204);
      expect(await publishedFact(fx, `api_key.revoked:${own.id}:${revoked.headers['x-request-id'] as string}`)).toMatchObject({ actor: 'team-admin' });
    });

    it('a read-only key may list its workspace\'s keys but not create or revoke them (403 INSUFFICIENT_SCOPE)', async () => {
      const reader = keyBearer((await seedApiKey(fx.db, { workspaceId: workspace, scopes: ['webhooks:read'], name: 'team-reader' })).key);
      expect((await listKeys(workspace, reader)).status).toBe(200);
      for (const response of [
        await createKey({ name: 'by-reader', scopes: ['webhooks:read'] }, workspace, reader),
        await revoke(adminId, workspace, reader),
      ]) expect([response.status, errorOf(response).code]).toEqual([403, 'INSUFFICIENT_SCOPE']);
    });

    it('revoking itself stops it at once', async () => {
      const self = await seedApiKey(fx.db, { workspaceId: workspace, scopes: ['webhooks:read', 'webhooks:write'], name: 'self-revoker' });
      expect((await revoke(self.id, workspace, keyBearer(self.key))).status).toBe(204);
      expect((await listKeys(workspace, keyBearer(self.key))).status).toBe(401);
    });
  });

  it('a JWT narrowed to the workspace may grant the scopes it holds in it, and none in another', async () => {
    const token = narrowedBearer(fx, 'team-lead', 'webhooks:read webhooks:write events:publish', workspace);
    const granted = await createKey({ name: 'publisher-by-jwt', scopes: ['events:publish'] }, workspace, token);
    expect([granted.status, dataOf<ApiKeyJson>(granted).createdBy]).toEqual([201, 'team-lead']);
    const elsewhere = await createKey({ name: 'publisher-by-jwt', scopes: ['events:publish'] }, otherWorkspace, token);
    expect([elsewhere.status, errorOf(elsewhere).code]).toEqual([404, 'WORKSPACE_NOT_FOUND']);
  });

  it('making a key does not wait for inserts into its workspace (their foreign-key lock), nor they for it', async () => {
    // An event insert holds FOR KEY SHARE on its workspace until it commits; a key is made meanwhile.
    const trx = await fx.db.transaction();
    try {
      await trx.raw('SELECT 1 FROM workspaces WHERE id = ? FOR KEY SHARE', [workspace]);
      const created = await createKey({ name: 'made-beside-an-insert', scopes: ['webhooks:read'] });
      expect(created.status).toBe(201);
    } finally {
      await trx.rollback();
    }
  });

  it('a JWT may only grant the scopes its scope claim holds', async () => {
    const writer = narrowedBearer(fx, 'writer-only', 'webhooks:write', workspace);
    const escalated = await createKey({ name: 'reader-by-writer', scopes: ['webhooks:read', 'events:publish'] }, workspace, writer);
    expect([escalated.status, errorOf(escalated).code, errorOf(escalated).details]).toEqual([403, 'SCOPE_NOT_HELD', { scopes: ['webhooks:read', 'events:publish'] }]);
    expect(await fx.db('api_keys').where({ workspace_id: workspace, name: 'reader-by-writer' }).first()).toBeUndefined();
    const operatorJwt = narrowedBearer(fx, 'platform', 'webhooks:write');
    const forbidden = await createKey({ name: 'reader-by-operator-jwt', scopes: ['webhooks:read'] }, workspace, operatorJwt);
    expect([forbidden.status, errorOf(forbidden).code]).toEqual([403, 'SCOPE_NOT_HELD']);
  });

  it('never writes a key to the logs or to an audit fact, even at debug level', async () => {
    const { logger, lines } = captureLogger('management', 'debug');
    // A second replica on the same database and broker, logging everything it does.
    const replica: RunningManagement = await start(fx.config, logger);
    try {
      const http = request(`http://127.0.0.1:${replica.port}`);
      const created = await http.post(keysOf(workspace)).set('x-internal-api-key', fx.config.managementApiKey)
        .send({ name: 'logged', scopes: ['webhooks:read', 'webhooks:write'] });
      expect(created.status).toBe(201);
      const { id, key } = dataOf<ApiKeyJson & { key: string }>(created);
      expect((await http.get('/api/v1/integrations').set('authorization', keyBearer(key))).status).toBe(200);
      expect((await http.get('/api/v1/integrations').set('authorization', keyBearer(`${key}x`))).status).toBe(401);
      expect((await http.delete(`${keysOf(workspace)}/${id}`).set('authorization', keyBearer(key))).status).toBe(204);
      expect((await http.get('/api/v1/integrations').set('authorization', keyBearer(key))).status).toBe(401);

      expect(lines.length).toBeGreaterThan(0);
      expect(lines.join('\n')).not.toContain(key.slice(4));
      const facts = (await publishedFacts(fx)).filter((fact) => fact.entityId === id);
      expect(facts.map((fact) => fact.action).sort()).toEqual(['created', 'revoked']);
      expect(JSON.stringify(facts)).not.toContain(key.slice(4));
    } finally {
      await replica.stop();
    }
  });
});
