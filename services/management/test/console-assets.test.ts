// GET /console: the operator console's bundle, served by this service with a strict CSP, no credentials needed
// for the static files (the API calls they make carry the operator's credential).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildConsole } from '../../../scripts/build-console.js';
import { startManagement, type ManagementFixture } from './management-fixture.js';

describe('GET /console', () => {
  let fx: ManagementFixture;

  beforeAll(async () => {
    if (!existsSync(fileURLToPath(new URL('../console/dist/index.html', import.meta.url)))) expect(buildConsole()).toBe(true);
    fx = await startManagement('mgmt-console');
  }, 60_000);

  afterAll(async () => {
    await fx.close();
  });

  it('redirects /console to /console/ so the bundle\'s relative paths resolve', async () => {
    const response = await fx.http.get('/console');
    expect(response.status).toBe(301);
    expect(response.headers.location).toBe('/console/');
  });

  it('serves index.html without credentials, with a CSP that allows only this origin', async () => {
    const response = await fx.http.get('/console/');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.text).toContain('<div id="app">');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(response.headers['cache-control']).toBe('no-cache');
    // Nothing from a CDN: every script and stylesheet is a path on this service.
    const references = [...response.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(references.length).toBeGreaterThan(0);
    for (const reference of references) expect(reference.startsWith('/console/')).toBe(true);
  });

  it('serves the hashed assets with a long immutable cache', async () => {
    const index = await fx.http.get('/console/');
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(index.text)?.[1];
    expect(script).toBeDefined();
    const response = await fx.http.get(script!);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toContain('immutable');
  });

  it('answers an unknown console path 404 in the envelope', async () => {
    const response = await fx.http.get('/console/assets/nope.js');
    expect(response.status).toBe(404);
    expect((response.body as { error?: { code?: string } }).error?.code).toBe('NOT_FOUND');
  });
});
