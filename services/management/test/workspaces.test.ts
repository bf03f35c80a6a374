import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_WORKSPACE_ID } from '@hookway/contracts';
import { seedApiKey, seedIntegration, seedWorkspace } from '@hookway/testing';
import { dataOf, errorOf, idsOf, metaOf, publishedFact, startManagement, type ManagementFixture } from './management-fixture.js';
import { expectDocumented, keyBearer, narrowedBearer } from './workspace-helpers.js';

interface WorkspaceJson {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

describe('workspaces', () => {
  let fx: ManagementFixture;

  beforeAll(async () => {
    fx = await startManagement('mgmt-workspaces');
  });

  afterAll(async () => {
    await fx.close();
  });

  const create = async (body: Record<string, unknown>): Promise<WorkspaceJson> => {
    const response = expectDocumented('POST /workspaces', await fx.post('/api/v1/workspaces').send(body));
    expect(response.status).toBe(201);
    return dataOf<WorkspaceJson>(response);
  };

  describe('for an operator', () => {
    it('lists the default workspace first, with paging meta', async () => {
      const response = expectDocumented('GET /workspaces', await fx.get('/api/v1/workspaces?pageSize=1'));
      expect(response.status).toBe(200);
      expect(dataOf(response)).toEqual([expect.objectContaining({ id: DEFAULT_WORKSPACE_ID, slug: 'default', name: 'Default' })]);
      expect(metaOf(response)).toMatchObject({ page: 1, pageSize: 1 });
    });

    it('creates a workspace (201), reads it back, lists it after the default one, and audits workspace.created with its workspace', async () => {
      const created = await create({ slug: 'team-create', name: 'Team create', description: 'billing' });
      expect(created).toEqual({
        id: expect.any(String), slug: 'team-create', name: 'Team create', description: 'billing', createdAt: expect.any(String), updatedAt: expect.any(String),
      });
      const read = expectDocumented('GET /workspaces/{workspaceId}', await fx.get(`/api/v1/workspaces/${created.id}`));
      expect([read.status, dataOf(read)]).toEqual([200, created]);
      const ids = idsOf(await fx.get('/api/v1/workspaces?pageSize=100'));
      expect(ids[0]).toBe(DEFAULT_WORKSPACE_ID);
      expect(ids).toContain(created.id);

      const response = await fx.post('/api/v1/workspaces').set('x-request-id', 'req-ws-create').send({ slug: 'team-audited', name: 'Audited' });
      const audited = dataOf<WorkspaceJson>(response);
      const fact = await publishedFact(fx, `workspace.created:${audited.id}:req-ws-create`);
      expect(fact).toMatchObject({
        entityType: 'workspace', entityId: audited.id, action: 'created', actor: 'api-key', workspaceId: audited.id,
        details: { slug: 'team-audited', name: 'Audited', description: null },
      });
    });

    it('when the slug is taken (the default one included), answers 409 WORKSPACE_SLUG_TAKEN and creates nothing', async () => {
      await create({ slug: 'team-taken', name: 'First' });
      for (const slug of ['team-taken', 'default']) {
        const response = expectDocumented('POST /workspaces', await fx.post('/api/v1/workspaces').send({ slug, name: 'Second' }));
        expect([response.status, errorOf(response).code, errorOf(response).details]).toEqual([409, 'WORKSPACE_SLUG_TAKEN', { slug }]);
      }
      expect(await fx.db('workspaces').where({ slug: 'team-taken' }).count<{ count: number }[]>({ count: '*' })).toEqual([{ count: 1 }]);
    });

    it.each([
      ['an upper-case slug', { slug: 'Team', name: 'x' }],
      ['a slug starting with a dash', { slug: '-team', name: 'x' }],
      ['a blank name', { slug: 'team-blank', name: '   ' }],
      ['an unknown field', { slug: 'team-field', name: 'x', colour: 'red' }],
    ])('when the body has %s, answers 400 VALIDATION_ERROR', async (_case, body) => {
      const response = expectDocumented('POST /workspaces', await fx.post('/api/v1/workspaces').send(body));
      expect([response.status, errorOf(response).code]).toEqual([400, 'VALIDATION_ERROR']);
    });

    it('renames a workspace and changes or clears its description, audited as workspace.updated; the slug cannot change', async () => {
      const workspace = await create({ slug: 'team-patch', name: 'Before', description: 'old' });
      const renamed = expectDocumented(
        'PATCH /workspaces/{workspaceId}',
        await fx.patch(`/api/v1/workspaces/${workspace.id}`).set('x-request-id', 'req-ws-patch').send({ name: 'After', description: null }),
      );
      expect(renamed.status).toBe(200);
      expect(dataOf(renamed)).toMatchObject({ id: workspace.id, slug: 'team-patch', name: 'After', description: null });
      expect(await publishedFact(fx, `workspace.updated:${workspace.id}:req-ws-patch`)).toMatchObject({
        workspaceId: workspace.id, details: { changed: ['name', 'description'], name: 'After', description: null },
      });

      for (const body of [{ slug: 'team-renamed' }, {}]) {
        const refused = expectDocumented('PATCH /workspaces/{workspaceId}', await fx.patch(`/api/v1/workspaces/${workspace.id}`).send(body));
        expect([refused.status, errorOf(refused).code]).toEqual([400, 'VALIDATION_ERROR']);
      }
      expect(dataOf(await fx.get(`/api/v1/workspaces/${workspace.id}`))).toMatchObject({ slug: 'team-patch', name: 'After' });
    });

    it.each([
      ['GET', 'not-a-uuid'], ['GET', 'unknown'], ['PATCH', 'not-a-uuid'], ['PATCH', 'unknown'], ['DELETE', 'not-a-uuid'], ['DELETE', 'unknown'],
    ] as const)('%s of a %s workspace id answers 404 WORKSPACE_NOT_FOUND', async (method, kind) => {
      const id = kind === 'unknown' ? crypto.randomUUID() : 'not-a-uuid';
      const path = `/api/v1/workspaces/${id}`;
      const response = method === 'GET' ? await fx.get(path) : method === 'PATCH' ? await fx.patch(path).send({ name: 'x' }) : await fx.delete(path);
      expectDocumented(`${method} /workspaces/{workspaceId}`, response);
      expect([response.status, errorOf(response).code]).toEqual([404, 'WORKSPACE_NOT_FOUND']);
    });

    it('never deletes the default workspace: 409 DEFAULT_WORKSPACE', async () => {
      const response = expectDocumented('DELETE /workspaces/{workspaceId}', await fx.delete(`/api/v1/workspaces/${DEFAULT_WORKSPACE_ID}`));
      expect([response.status, errorOf(response).code]).toEqual([409, 'DEFAULT_WORKSPACE']);
      expect(dataOf(await fx.get(`/api/v1/workspaces/${DEFAULT_WORKSPACE_ID}`))).toMatchObject({ slug: 'default' });
    });

    it('refuses to delete a workspace that still has integrations or sources (409 WORKSPACE_NOT_EMPTY with the counts), then deletes it once empty with its keys and events', async () => {
      const workspace = await create({ slug: 'team-delete', name: 'Doomed' });
      const integrationId = await seedIntegration(fx.db, {
        workspaceId: workspace.id, url: 'http://127.0.0.1:9/hook', secretSealed: 'sealed-secret',
      });
      await fx.db('sources').insert({
        key: 'team-delete-src', name: 'src', verifier: JSON.stringify({ type: 'none' }), mapping: JSON.stringify({}), workspace_id: workspace.id,
      });
      const key = await seedApiKey(fx.db, { workspaceId: workspace.id, scopes: ['webhooks:read'] });
      await fx.db('events').insert({
        id: crypto.randomUUID(), provider: 'api', external_id: 'team-delete-1', type: 'order.created', occurred_at: new Date(), data: JSON.stringify({}), status: 'processed',
        raw_headers: JSON.stringify({}), raw_body: '{}', workspace_id: workspace.id,
      });

      const refused = expectDocumented('DELETE /workspaces/{workspaceId}', await fx.delete(`/api/v1/workspaces/${workspace.id}`));
      expect([refused.status, errorOf(refused).code, errorOf(refused).details]).toEqual([409, 'WORKSPACE_NOT_EMPTY', { integrations: 1, sources: 1 }]);
      await fx.db('integrations').where({ id: integrationId }).delete();
      const stillASource = await fx.delete(`/api/v1/workspaces/${workspace.id}`);
      expect(errorOf(stillASource).details).toEqual({ integrations: 0, sources: 1 });
      expect(dataOf(await fx.get(`/api/v1/workspaces/${workspace.id}`))).toMatchObject({ slug: 'team-delete' });

      await fx.db('sources').where({ key: 'team-delete-src' }).delete();
      const deleted = expectDocumented(
        'DELETE /workspaces/{workspaceId}',
        await fx.delete(`/api/v1/workspaces/${workspace.id}`).set('x-request-id', 'req-ws-delete'),
      );
      expect(deleted.status).toBe(204);
      expect((await fx.get(`/api/v1/workspaces/${workspace.id}`)).status).toBe(404);
      expect(await fx.db('api_keys').where({ workspace_id: workspace.id }).select('id')).toEqual([]);
      expect(await fx.db('events').where({ workspace_id: workspace.id }).select('id')).toEqual([]);
      // The key went with its workspace: it no longer authenticates.
      expect((await fx.http.get('/api/v1/workspaces').set('authorization', keyBearer(key.key))).status).toBe(401);
      expect(await publishedFact(fx, `workspace.deleted:${workspace.id}:req-ws-delete`)).toMatchObject({
        entityType: 'workspace', action: 'deleted', workspaceId: workspace.id, details: { slug: 'team-delete', name: 'Doomed' },
      });
    });
  });

  describe('for a caller narrowed to one workspace', () => {
    let own: string;
    let other: string;
    let writeKey: string;
    let readKey: string;

    beforeAll(async () => {
      own = await seedWorkspace(fx.db, { slug: 'narrow-own', name: 'Own' });
      other = await seedWorkspace(fx.db, { slug: 'narrow-other', name: 'Other' });
      writeKey = (await seedApiKey(fx.db, { workspaceId: own, scopes: ['webhooks:read', 'webhooks:write'], name: 'own-admin' })).key;
      readKey = (await seedApiKey(fx.db, { workspaceId: own, scopes: ['webhooks:read'], name: 'own-reader' })).key;
    });

    const as = (credential: 'key' | 'jwt') => (credential === 'key' ? keyBearer(writeKey) : narrowedBearer(fx, 'own-jwt', 'webhooks:read webhooks:write', own));

    it.each(['key', 'jwt'] as const)('with a workspace %s, lists only its own workspace', async (credential) => {
      const response = expectDocumented('GET /workspaces', await fx.http.get('/api/v1/workspaces').set('authorization', as(credential)));
      expect(response.status).toBe(200);
      expect(idsOf(response)).toEqual([own]);
      expect(metaOf(response)).toEqual({ page: 1, pageSize: 20, total: 1, totalPages: 1 });
    });

    it.each(['key', 'jwt'] as const)('with a workspace %s, reads its own workspace and gets 404 for another one and for the default one', async (credential) => {
      expect((await fx.http.get(`/api/v1/workspaces/${own}`).set('authorization', as(credential))).status).toBe(200);
      for (const id of [other, DEFAULT_WORKSPACE_ID, crypto.randomUUID()]) {
        const response = expectDocumented('GET /workspaces/{workspaceId}', await fx.http.get(`/api/v1/workspaces/${id}`).set('authorization', as(credential)));
        expect([response.status, errorOf(response).code]).toEqual([404, 'WORKSPACE_NOT_FOUND']);
      }
    });

    it('without a workspace claim, a JWT acts across workspaces as before', async () => {
      const response = await fx.http.get('/api/v1/workspaces?pageSize=100').set('authorization', narrowedBearer(fx, 'ops', 'webhooks:read'));
      expect(idsOf(response)).toEqual(expect.arrayContaining([DEFAULT_WORKSPACE_ID, own, other]));
    });

    it('renames its own workspace, audited with the key\'s name as actor; another workspace answers 404 and is unchanged', async () => {
      const renamed = await fx.http.patch(`/api/v1/workspaces/${own}`).set('authorization', keyBearer(writeKey)).set('x-request-id', 'req-narrow-patch')
        .send({ description: 'ours' });
      expect([renamed.status, dataOf(renamed)]).toEqual([200, expect.objectContaining({ id: own, description: 'ours' })]);
      expect(await publishedFact(fx, `workspace.updated:${own}:req-narrow-patch`)).toMatchObject({ actor: 'own-admin', workspaceId: own });

      const refused = expectDocumented(
        'PATCH /workspaces/{workspaceId}',
        await fx.http.patch(`/api/v1/workspaces/${other}`).set('authorization', keyBearer(writeKey)).send({ name: 'hijacked' }),
      );
      expect([refused.status, errorOf(refused).code]).toEqual([404, 'WORKSPACE_NOT_FOUND']);
      expect(dataOf(await fx.get(`/api/v1/workspaces/${other}`))).toMatchObject({ name: 'Other' });
    });

    it('a read-only key cannot change its workspace: 403 INSUFFICIENT_SCOPE', async () => {
      const response = expectDocumented(
        'PATCH /workspaces/{workspaceId}',
        await fx.http.patch(`/api/v1/workspaces/${own}`).set('authorization', keyBearer(readKey)).send({ name: 'x' }),
      );
      expect([response.status, errorOf(response).code]).toEqual([403, 'INSUFFICIENT_SCOPE']);
    });

    it.each(['key', 'jwt'] as const)('with a workspace %s, may not create workspaces nor delete its own (403 OPERATOR_ONLY); deleting another answers 404', async (credential) => {
      const create = expectDocumented('POST /workspaces', await fx.http.post('/api/v1/workspaces').set('authorization', as(credential)).send({ slug: `by-${credential}`, name: 'x' }));
      expect([create.status, errorOf(create).code]).toEqual([403, 'OPERATOR_ONLY']);
      expect(await fx.db('workspaces').where({ slug: `by-${credential}` }).select('id')).toEqual([]);

      const deleteOwn = expectDocumented('DELETE /workspaces/{workspaceId}', await fx.http.delete(`/api/v1/workspaces/${own}`).set('authorization', as(credential)));
      expect([deleteOwn.status, errorOf(deleteOwn).code]).toEqual([403, 'OPERATOR_ONLY']);
      for (const id of [other, DEFAULT_WORKSPACE_ID]) {
        const deleteOther = expectDocumented('DELETE /workspaces/{workspaceId}', await fx.http.delete(`/api/v1/workspaces/${id}`).set('authorization', as(credential)));
        expect([deleteOther.status, errorOf(deleteOther).code]).toEqual([404, 'WORKSPACE_NOT_FOUND']);
      }
      expect(await fx.db('workspaces').whereIn('id', [own, other]).count<{ count: number }[]>({ count: '*' })).toEqual([{ count: 2 }]);
    });
  });
});
