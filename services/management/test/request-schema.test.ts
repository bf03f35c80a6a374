// openapi/management.yaml is the only request schema: the limits the routes used to check with schemas of their own
// (a header value without CR/LF/NUL, a non-empty url, a source name that is not blank, a secret without whitespace
// at either end, ...) now live in the spec, and a request that breaks one is refused as before, storing nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dataOf, errorOf, integrationBody, startManagement, type ManagementFixture } from './management-fixture.js';

describe('constraints the management routes take from openapi/management.yaml', () => {
  let fx: ManagementFixture;
  let integrationId: string;
  let sourceId: string;

  const count = async (table: 'integrations' | 'sources'): Promise<number> =>
    Number((await fx.db(table).count<{ count: string }[]>({ count: '*' }))[0]?.count ?? 0);

  beforeAll(async () => {
    fx = await startManagement('mgmt-reqschema');
    integrationId = dataOf<{ id: string }>(await fx.post('/api/v1/integrations').send(integrationBody())).id;
    sourceId = dataOf<{ id: string }>(await fx.post('/api/v1/sources').send({ key: 'schema-github', name: 'GitHub', verifier: { type: 'github' } })).id;
  });

  afterAll(async () => {
    await fx.close();
  });

  const refusedNaming = (response: { status: number; body: unknown }, path: string): void => {
    expect([response.status, errorOf(response).code]).toEqual([400, 'VALIDATION_ERROR']);
    expect(errorOf(response).details.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  };

  it.each([
    ['the url is empty', '/url', { url: '' }],
    ['a header value holds a NUL', '/headers/x-team', { headers: { 'x-team': 'a\u0000b' } }],
    ['a header value holds a line feed', '/headers/x-team', { headers: { 'x-team': 'a\nb' } }],
  ])('when %s, creating an integration answers 400 VALIDATION_ERROR naming %s and creates nothing', async (_case, path, overrides) => {
    const before = await count('integrations');
    refusedNaming(await fx.post('/api/v1/integrations').send(integrationBody(overrides)), path);
    expect(await count('integrations')).toBe(before);
  });

  it.each([
    ['the url is empty', '/url', { url: '' }],
    ['a header value holds a carriage return', '/headers/x-team', { headers: { 'x-team': 'a\rb' } }],
  ])('when %s, patching an integration answers 400 VALIDATION_ERROR naming %s and changes nothing', async (_case, path, patch) => {
    refusedNaming(await fx.patch(`/api/v1/integrations/${integrationId}`).send(patch), path);
    expect(dataOf(await fx.get(`/api/v1/integrations/${integrationId}`))).toMatchObject({ url: 'http://127.0.0.1:9/hook', headers: { 'x-team': 'billing' } });
  });

  it.each([
    ['empty', ''],
    ['longer than 200 characters', 'p'.repeat(201)],
  ])('when a filter test names a provider that is %s, answers 400 VALIDATION_ERROR naming /event/provider', async (_case, provider) => {
    refusedNaming(await fx.post(`/api/v1/integrations/${integrationId}/filter-test`).send({ event: { type: 'order.created', provider } }), '/event/provider');
  });

  it.each([
    ['the name is blank', '/name', { name: '   ' }],
    ['the secret starts with a space', '/secret', { secret: ' leading-space-secret' }],
    ['the secret ends with a line break', '/secret', { secret: 'trailing-break-secret\n' }],
    ['the rate limit has a field of its own', '/rateLimit/window', { rateLimit: { perSecond: 5, burst: 5, window: 60 } }],
  ])('when %s, creating a source answers 400 VALIDATION_ERROR naming %s and creates nothing', async (_case, path, overrides) => {
    const before = await count('sources');
    refusedNaming(await fx.post('/api/v1/sources').send({ key: 'schema-stripe', name: 'Stripe', verifier: { type: 'stripe' }, ...overrides }), path);
    expect(await count('sources')).toBe(before);
  });

  it('when a source is renamed to a blank name, answers 400 VALIDATION_ERROR naming /name and keeps the name', async () => {
    refusedNaming(await fx.patch(`/api/v1/sources/${sourceId}`).send({ name: ' \t ' }), '/name');
    expect(dataOf(await fx.get(`/api/v1/sources/${sourceId}`))).toMatchObject({ name: 'GitHub' });
  });

  it('when a rotation gives a secret with whitespace at an end, answers 400 VALIDATION_ERROR naming /secret and rotates nothing', async () => {
    refusedNaming(await fx.post(`/api/v1/sources/${sourceId}/rotate-secret`).send({ secret: 'padded-secret ' }), '/secret');
    expect(dataOf(await fx.get(`/api/v1/sources/${sourceId}`))).toMatchObject({ previousSecretExpiresAt: null });
  });
});
