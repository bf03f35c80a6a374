// Scenario 6: garbage in. Thousands of malformed requests to ingress and management: broken and deeply
// nested JSON, wrong types, huge and empty bodies, wrong content types, bad and truncated signatures,
// duplicate and oversized headers, unicode and path tricks in :provider and ids, injection strings in
// every filter. Never a 5xx, every error is the envelope with a 4xx code, no process restarts, and no
// row is written for a rejected request.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { generateApiKey, hmacSha256Hex } from '@hookway/signing';
import { report, Suite } from './harness.js';
import { expectNoSecretsLeaked } from './leaks.js';

interface RawResponse {
  status: number;
  body: string;
}

function send(base: string, method: string, path: string, headerList: [string, string][], body?: Buffer): Promise<RawResponse> {
  const url = new URL(base);
  // A header given twice is sent twice (an array value), as a sloppy provider would.
  const headers: Record<string, string[]> = {};
  for (const [name, value] of headerList) (headers[name] ??= []).push(value);
  return new Promise((resolve, reject) => {
    // agent: false: each request on a connection of its own, so an early answer cannot leave bytes for the next one.
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, agent: false, headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

const INJECTIONS = ["' OR 1=1 --", '"; DROP TABLE events; --', '%', '_', '\\', '{"$gt": ""}', '../../etc/passwd', '\u0000', '😀', '<script>', '1e309', '-1', '0x1F'];
const pathPart = fc.oneof(
  fc.constantFrom('acme', 'globex', 'ACME', 'acme%20', '..', '%2e%2e', '..%2f..%2f', '%00', 'acme%00', '%F0%9F%98%80', 'a'.repeat(3000), '__proto__', 'constructor'),
  fc.string({ maxLength: 40 }).map((text) => encodeURIComponent(text)),
);
const nested = fc.integer({ min: 1, max: 5000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth));
const jsonBody = fc.oneof(
  fc.json({ maxDepth: 4 }),
  nested,
  fc.constantFrom('', '{', '{"eventId":', 'null', '[]', '"text"', '{"eventId":1,"eventType":[],"occurredAt":"never","data":"x"}', '\uFEFF{}'),
  fc.record({ eventId: fc.anything(), eventType: fc.anything(), occurredAt: fc.anything(), data: fc.anything() }).map((value) => JSON.stringify(value) ?? 'null'),
  fc.integer({ min: 200_000, max: 400_000 }).map((size) => JSON.stringify({ blob: 'x'.repeat(size) })),
);
const bodyBytes = fc.oneof(jsonBody.map((text) => Buffer.from(text, 'utf8')), fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)));
const contentType = fc.constantFrom<string | undefined>(undefined, 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'garbage/;;;');

describe('fault: garbage in', () => {
  let suite: Suite;
  const statuses = new Map<number, number>();
  const problems: string[] = [];

  beforeAll(async () => {
    suite = await Suite.start('faultfuzz');
  });

  afterAll(async () => {
    await suite?.stop();
  });

  function check(what: string, response: RawResponse): void {
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    if (response.status >= 500) {
      problems.push(`${what} -> ${response.status} ${response.body.slice(0, 200)}`);
      return;
    }
    let envelope: { success?: unknown; error?: { code?: unknown } };
    try {
      envelope = JSON.parse(response.body) as typeof envelope;
    } catch {
      problems.push(`${what} -> ${response.status} is not JSON: ${response.body.slice(0, 120)}`);
      return;
    }
    if (response.status >= 400 && (envelope.success !== false || typeof envelope.error?.code !== 'string')) {
      problems.push(`${what} -> ${response.status} without the error envelope`);
    }
    if (response.status < 300 && envelope.success !== true) problems.push(`${what} -> ${response.status} without the success envelope`);
  }

  beforeEach(() => {
    problems.length = 0;
  });

  it('ingress answers every malformed webhook with a 4xx envelope and stores none of them', async () => {
    const before = await suite.database.db('events').count<{ count: number }[]>({ count: '*' });
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        pathPart, bodyBytes, contentType,
        fc.constantFrom('none', 'random', 'truncated', 'other-body', 'duplicate', 'oversized', 'valid'),
        async (provider, generatedBody, type, signatureKind) => {
          let body = generatedBody;
          const valid = `sha256=${hmacSha256Hex(suite.config.acmeWebhookSecret, body)}`;
          const headers: [string, string][] = [];
          if (type) headers.push(['content-type', type]);
          switch (signatureKind) {
            case 'random': headers.push(['x-acme-signature', `sha256=${'ab'.repeat(32)}`], ['x-globex-token', 'not-the-token']); break;
            case 'truncated': headers.push(['x-acme-signature', valid.slice(0, 20)]); break;
            case 'other-body': headers.push(['x-acme-signature', `sha256=${hmacSha256Hex(suite.config.acmeWebhookSecret, 'other')}`]); break;
            case 'duplicate': headers.push(['x-acme-signature', valid], ['x-acme-signature', valid]); break;
            // The server answers oversized headers before reading a body, so none is sent with them.
            case 'oversized': headers.push(['x-acme-signature', valid], ['x-padding', 'p'.repeat(20_000)]); body = Buffer.alloc(0); break;
            case 'valid': headers.push(['x-acme-signature', valid]); break;
            default: break;
          }
          const response = await send(suite.ingressUrl, 'POST', `/api/v1/webhooks/${provider}`, headers, body);
          if (response.status === 202) accepted += 1;
          check(`POST /webhooks/${provider.slice(0, 40)} (${signatureKind}, ${type ?? 'no type'}, ${body.length} B)`, response);
        },
      ),
      { numRuns: 1_500, seed: 20261122 },
    );
    const after = await suite.database.db('events').count<{ count: number }[]>({ count: '*' });
    expect(problems).toEqual([]);
    // Only well-formed, correctly signed webhooks were stored.
    expect((after[0]?.count ?? 0) - (before[0]?.count ?? 0)).toBe(accepted);
    const orphans = await suite.database.db('events').whereNull('raw_body').orWhereNull('raw_headers').count<{ count: number }[]>({ count: '*' });
    expect(orphans[0]?.count).toBe(0);
  });

  it('source routes and configured sources answer garbage with 4xx envelopes', async () => {
    const key: [string, string] = ['x-internal-api-key', suite.config.managementApiKey];
    const json: [string, string] = ['content-type', 'application/json'];
    const presets = ['github', 'stripe', 'standard-webhooks', 'shopify', 'slack', 'hmac', 'token', 'basic', 'none', 'nope'];
    const verifier = fc.oneof(fc.constantFrom({ type: 'none' }, { type: 'github' }, { type: 'token', header: 'x-sig' }), fc.record({
      type: fc.constantFrom(...presets),
      header: fc.oneof(fc.constantFrom('x-sig', 'X Bad', ''), fc.string({ maxLength: 20 })),
      algorithm: fc.constantFrom('sha256', 'md5', 'sha512'),
      encoding: fc.constantFrom('hex', 'base64', 'rot13'),
      toleranceSeconds: fc.oneof(fc.integer(), fc.constant(300)),
      username: fc.string({ maxLength: 10 }),
    }, { requiredKeys: ['type'] }));
    const mapping = fc.oneof(
      fc.constant(undefined),
      fc.record({
        eventId: fc.oneof(fc.record({ pointer: fc.string({ maxLength: 12 }) }), fc.record({ header: fc.string({ maxLength: 12 }) }), fc.constant({})),
        eventType: fc.oneof(fc.record({ pointer: fc.constantFrom('/type', '/a/0', '/~1') }), fc.anything()),
        schema: fc.oneof(fc.constant({ type: 'object' }), fc.constant({ type: 'nonsense' }), fc.constant({ $ref: '#/nowhere' }), fc.anything()),
      }, { requiredKeys: ['eventId', 'eventType'] }),
    );
    let created = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}$/), pathPart), verifier, mapping, fc.oneof(fc.constant(undefined), fc.anything()), async (sourceKey, verifierValue, mappingValue, secret) => {
        const body = JSON.stringify({ key: sourceKey, name: 'fuzz', verifier: verifierValue, ...(mappingValue === undefined ? {} : { mapping: mappingValue }), ...(typeof secret === 'string' ? { secret } : {}) });
        const response = await send(suite.managementUrl, 'POST', '/api/v1/sources', [key, json], Buffer.from(body));
        if (response.status === 201) created += 1;
        check(`POST /sources (${verifierValue.type})`, response);
        check(`POST /webhooks/${sourceKey.slice(0, 20)}`, await send(suite.ingressUrl, 'POST', `/api/v1/webhooks/${sourceKey}`,
          [json, ['stripe-signature', 't=1,v1=zz'], ['webhook-signature', 'v1,@@ v2'], ['webhook-timestamp', '99999999999999'], ['x-sig', 'sha256=']], Buffer.from('{"id":1,"type":[]}')));
      }),
      { numRuns: 400, seed: 20261204 },
    );
    await fc.assert(
      fc.asyncProperty(pathPart, bodyBytes, contentType, fc.constantFrom('PATCH', 'POST rotate-secret', 'POST pause', 'DELETE', 'GET'), async (id, body, type, operation) => {
        const headers: [string, string][] = [key];
        if (type) headers.push(['content-type', type]);
        const [method, action] = operation.split(' ') as [string, string | undefined];
        check(`${operation} /sources/${id.slice(0, 30)}`, await send(suite.managementUrl, method, `/api/v1/sources/${id}${action ? `/${action}` : ''}`, headers, method === 'GET' || method === 'DELETE' ? Buffer.alloc(0) : body));
      }),
      { numRuns: 400, seed: 20261204 },
    );
    expect(problems).toEqual([]);
    expect(created).toBeGreaterThan(0);
  });

  it('management answers injection strings, bad ids and bad bodies with 4xx envelopes or empty results', async () => {
    const key: [string, string] = ['x-internal-api-key', suite.config.managementApiKey];
    const before = await suite.database.db('replay_requests').count<{ count: number }[]>({ count: '*' });
    const filterValue = fc.oneof(fc.constantFrom(...INJECTIONS), fc.string({ maxLength: 30 }), fc.integer().map(String));
    const filters = fc.dictionary(
      fc.constantFrom('page', 'pageSize', 'provider', 'status', 'eventType', 'subject', 'from', 'to', 'sortBy', 'sortOrder', 'entityType', 'entityId', 'action', 'eventId', 'integrationId', 'activeOnly', 'x'),
      filterValue,
      { maxKeys: 4 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/events', '/deliveries', '/audit-entries', '/integrations', '/event-types', '/dead-letters'),
        filters,
        async (path, query) => {
          const search = new URLSearchParams(query).toString();
          check(`GET ${path}?${search}`, await send(suite.managementUrl, 'GET', `/api/v1${path}?${search}`, [key]));
        },
      ),
      { numRuns: 600, seed: 20261122 },
    );
    await fc.assert(
      fc.asyncProperty(pathPart, bodyBytes, contentType, fc.constantFrom('events', 'jobs', 'integrations', 'dead-letters'), async (id, body, type, resource) => {
        const headers: [string, string][] = [key];
        if (type) headers.push(['content-type', type]);
        const path = resource === 'events' ? `/api/v1/events/${id}/replay` : resource === 'jobs' ? `/api/v1/jobs/${id}/retry`
          : resource === 'dead-letters' ? `/api/v1/dead-letters/${id}/replay` : `/api/v1/integrations/${id}`;
        check(`POST ${path.slice(0, 60)}`, await send(suite.managementUrl, resource === 'integrations' ? 'PATCH' : 'POST', path, headers, body));
        check(`GET /events/${id.slice(0, 40)}`, await send(suite.managementUrl, 'GET', `/api/v1/events/${id}`, [key]));
      }),
      { numRuns: 600, seed: 20261122 },
    );
    expect(problems).toEqual([]);
    const after = await suite.database.db('replay_requests').count<{ count: number }[]>({ count: '*' });
    expect(after[0]?.count).toBe(before[0]?.count);
  });

  it('the publish API, workspaces and API keys answer garbage with 4xx envelopes and store nothing they refused', async () => {
    const operator: [string, string] = ['x-internal-api-key', suite.config.managementApiKey];
    const [workspace] = await suite.database.db('workspaces').insert({ slug: 'fuzz-team', name: 'Fuzz team' }).returning<Array<{ id: string }>>('id');
    const generated = generateApiKey();
    await suite.database.db('api_keys').insert({
      workspace_id: workspace!.id, name: 'fuzz', key_hash: generated.hash, key_prefix: generated.displayPrefix,
      scopes: ['events:publish', 'webhooks:read', 'webhooks:write'], created_by: 'fuzz',
    });
    const bearer: [string, string] = ['authorization', `Bearer ${generated.key}`];
    const countEvents = async (): Promise<number> =>
      Number((await suite.database.db('events').where({ workspace_id: workspace!.id }).count<{ count: number }[]>({ count: '*' }))[0]?.count ?? 0);
    const eventBody = fc.oneof(
      bodyBytes,
      fc.record({ type: fc.anything(), subject: fc.anything(), occurredAt: fc.anything(), data: fc.anything() }, { requiredKeys: [] })
        .map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
      fc.array(fc.anything(), { maxLength: 120 }).map((events) => Buffer.from(JSON.stringify({ events }) ?? 'null')),
    );
    const credentials = fc.constantFrom<Array<[string, string]>>([bearer], [], [['authorization', 'Bearer hwk_nope']], [['authorization', 'Basic eDp5']], [operator]);
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/events', '/events/batch'), eventBody, contentType, credentials, fc.option(fc.string({ maxLength: 300 })),
        async (path, body, type, auth, idempotencyKey) => {
          const headers: [string, string][] = [...auth];
          if (type) headers.push(['content-type', type]);
          if (idempotencyKey !== null && !/[\r\n\0]/.test(idempotencyKey)) headers.push(['idempotency-key', idempotencyKey]);
          const response = await send(suite.ingressUrl, 'POST', `/api/v1${path}`, headers, body);
          if (response.status === 202 || response.status === 200) accepted += 1;
          check(`POST ${path}`, response);
        }),
      { numRuns: 400, seed: 20261206 },
    );
    const stored = await countEvents();
    // Every event stored was answered 202 (a batch stores several; a replayed Idempotency-Key none).
    expect(stored === 0 ? accepted === 0 : accepted > 0).toBe(true);
    const listing = fc.dictionary(fc.constantFrom('cursor', 'limit', 'provider', 'status', 'eventType', 'subject', 'from', 'to', 'x'),
      fc.oneof(fc.constantFrom(...INJECTIONS), fc.string({ maxLength: 40 }), fc.integer().map(String)), { maxKeys: 4 });
    await fc.assert(
      fc.asyncProperty(listing, credentials, async (query, auth) => {
        check('GET /events (ingress)', await send(suite.ingressUrl, 'GET', `/api/v1/events?${new URLSearchParams(query).toString()}`, auth));
      }),
      { numRuns: 300, seed: 20261206 },
    );
    await fc.assert(
      fc.asyncProperty(pathPart, bodyBytes, contentType, credentials, fc.constantFrom('POST /workspaces', 'PATCH /workspaces/:id', 'DELETE /workspaces/:id',
        'POST /workspaces/:id/api-keys', 'DELETE /workspaces/:id/api-keys/:id', 'GET /workspaces/:id/api-keys'), async (id, body, type, auth, operation) => {
        const headers: [string, string][] = [...auth];
        if (type) headers.push(['content-type', type]);
        const [method, template] = operation.split(' ') as [string, string];
        const path = `/api/v1${template.replaceAll(':id', id)}`;
        check(`${method} ${template}`, await send(suite.managementUrl, method, path, headers, method === 'GET' || method === 'DELETE' ? Buffer.alloc(0) : body));
      }),
      { numRuns: 400, seed: 20261206 },
    );
    expect(problems).toEqual([]);
  });

  it('no service restarted, and no secret leaked', async () => {
    expect(['ingress', 'management', 'dispatcher', 'audit'].filter((name) => !suite.isRunning(name as 'ingress'))).toEqual([]);
    report('garbage in', suite.account(), { requests: [...statuses.values()].reduce((a, b) => a + b, 0), statuses: [...statuses.entries()].sort().map(([s, n]) => `${s}:${n}`).join(',') });
    await expectNoSecretsLeaked(suite);
  });
});
