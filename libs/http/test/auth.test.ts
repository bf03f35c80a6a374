import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import jwt from 'jsonwebtoken';
import { silentLogger } from '@hookway/testing';
import { createHttpApp, errorHandler, managementAuth, notFoundHandler, sendData } from '../src/index.js';

const API_KEY = 'test-management-key';
const SECRET = 'test-jwt-secret-0123456789';

function app() {
  const server = createHttpApp({ logger: silentLogger() });
  server.use(managementAuth({ apiKey: API_KEY, jwtSecret: SECRET, queryKeyParam: 'key' }));
  server.get('/thing', (req, res) => sendData(res, 200, { actor: req.actor }));
  server.post('/thing', (req, res) => sendData(res, 201, { actor: req.actor }));
  server.use(notFoundHandler());
  server.use(errorHandler());
  return server;
}

interface Body {
  data?: unknown;
  error?: { code: string };
}
const body = (response: { body: unknown }): Body => response.body as Body;

const token = (claims: Record<string, unknown>, options: jwt.SignOptions = {}, secret = SECRET): string =>
  jwt.sign(claims, secret, { algorithm: 'HS256', expiresIn: '5m', ...options });

describe('managementAuth', () => {
  it('accepts the API key in the header, or as ?key= for EventSource', async () => {
    const viaHeader = await request(app()).get('/thing').set('x-internal-api-key', API_KEY);
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.body).toEqual({ success: true, data: { actor: 'api-key' }, meta: {} });
    expect((await request(app()).get('/thing').query({ key: API_KEY })).status).toBe(200);
  });

  it('answers 401 in the envelope when credentials are absent or wrong', async () => {
    for (const call of [
      request(app()).get('/thing'),
      request(app()).get('/thing').set('x-internal-api-key', 'wrong'),
      request(app()).get('/thing').set('authorization', 'Basic abc'),
      request(app()).get('/thing').set('authorization', `Bearer ${token({ sub: 'ops', scope: 'webhooks:read' }, {}, 'another-secret-0123456789')}`),
    ]) {
      const response = await call;
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ success: false, error: { code: expect.stringMatching(/UNAUTHORIZED|INVALID_TOKEN/) } });
    }
  });

  it('maps GET to webhooks:read and writes to webhooks:write, naming the subject as actor', async () => {
    const reader = token({ sub: 'alice', scope: 'openid webhooks:read' });
    expect(body(await request(app()).get('/thing').set('authorization', `Bearer ${reader}`)).data).toEqual({ actor: 'alice' });
    const denied = await request(app()).post('/thing').set('authorization', `Bearer ${reader}`).send({});
    expect(denied.status).toBe(403);
    expect(body(denied).error?.code).toBe('INSUFFICIENT_SCOPE');
    const writer = token({ sub: 'bob', scope: 'webhooks:write' });
    expect((await request(app()).post('/thing').set('authorization', `Bearer ${writer}`).send({})).status).toBe(201);
    expect((await request(app()).get('/thing').set('authorization', `Bearer ${writer}`)).status).toBe(403);
  });

  it('refuses expired tokens, tokens without a subject, unsigned tokens and other algorithms', async () => {
    const expired = token({ sub: 'alice', scope: 'webhooks:read' }, { expiresIn: -10 });
    const response = await request(app()).get('/thing').set('authorization', `Bearer ${expired}`);
    expect(response.status).toBe(401);
    expect(body(response).error?.code).toBe('TOKEN_EXPIRED');

    const anonymous = token({ scope: 'webhooks:read' });
    expect((await request(app()).get('/thing').set('authorization', `Bearer ${anonymous}`)).status).toBe(401);

    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: 'mallory', scope: 'webhooks:read webhooks:write' })).toString('base64url');
    expect((await request(app()).get('/thing').set('authorization', `Bearer ${header}.${payload}.`)).status).toBe(401);

    const hs512 = token({ sub: 'alice', scope: 'webhooks:read' }, { algorithm: 'HS512' });
    expect((await request(app()).get('/thing').set('authorization', `Bearer ${hs512}`)).status).toBe(401);
  });
});
