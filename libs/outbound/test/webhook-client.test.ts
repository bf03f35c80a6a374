import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, createServer, type RequestListener, type Server } from 'node:http';
import { Agent as HttpsAgent, createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { startReceiver, type Receiver } from '@hookway/testing';
import { RESPONSE_BODY_LIMIT, SsrfGuard, WebhookClient } from '../src/index.js';

const LOCAL = ['127.0.0.0/8', '::1/128'];
const REQUEST = { body: '{"id":"e1","data":"é"}', headers: { 'content-type': 'application/json', 'user-agent': 'Hookway/0.1', 'x-team': 'ops' } };

// A self-signed certificate for localhost and 127.0.0.1, valid until 2126; it protects nothing.
const TEST_ONLY_TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgbGTwJFfXw9B5GwK4
QkQFWNvsPqqk0UK7qVEWQ+e3lgChRANCAAT6vI3n8Kj+1c9J5abMVPABjZgBLc9p
IZlYJJ1m643MTnpk/SXADvIZ0XFQ2OHNBd37Mdut2XNso3jplIB5j63s
-----END PRIVATE KEY-----
`;
const TEST_ONLY_TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUVlYKPh2zmCWhtVsc709cPRz3yuMwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMjIzMjQ0NFoYDzIxMjYxMDI5
MjMyNDQ0WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAT6vI3n8Kj+1c9J5abMVPABjZgBLc9pIZlYJJ1m643MTnpk/SXADvIZ
0XFQ2OHNBd37Mdut2XNso3jplIB5j63so28wbTAdBgNVHQ4EFgQUs5kbteodn+Lw
9fKYlH7xfoRtXrcwHwYDVR0jBBgwFoAUs5kbteodn+Lw9fKYlH7xfoRtXrcwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSQAwRgIhAJnMJYNWM1yOW5QSV9hJaSA2vgbNWKmoPbC+gefgKZJ5AiEA
7fS/dv7bXhP15pcT3+KEfxGllJbcO9z1rzhBwH6EMm8=
-----END CERTIFICATE-----
`;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A receiver whose every answer is scripted by `listener`, for answers startReceiver cannot give. */
async function withServer(listener: RequestListener, run: (host: string) => Promise<void>): Promise<void> {
  const server = createServer(listener);
  try {
    await run(await listen(server));
  } finally {
    await close(server);
  }
}

describe('WebhookClient', () => {
  const agents = { http: new Agent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  const client = new WebhookClient({ timeoutMs: 300, agents, guard: new SsrfGuard(LOCAL) });
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
  });

  afterAll(async () => {
    agents.http.destroy();
    agents.https.destroy();
    await receiver.close();
  });

  it('posts the body and headers as given, adding only content-length and accept-encoding', async () => {
    const result = await client.send(`${receiver.url}/in?x=1`, REQUEST);

    expect(result).toMatchObject({ kind: 'response', statusCode: 200, responseBody: 'ok' });
    const received = receiver.requests.at(-1)!;
    expect(received).toMatchObject({ method: 'POST', path: '/in?x=1', body: REQUEST.body });
    expect(received.headers).toMatchObject({
      ...REQUEST.headers,
      'content-length': String(Buffer.byteLength(REQUEST.body)),
      'accept-encoding': expect.stringContaining('gzip'),
    });
  });

  it('when a request names no user-agent, sends got\'s own, as got always has', async () => {
    await client.send(`${receiver.url}/in`, { body: '{}', headers: { 'content-type': 'application/json' } });
    expect(receiver.requests.at(-1)!.headers['user-agent']).toMatch(/^got /);
  });

  it('returns an error status as a response, with its headers and at most the first 4 KiB of its body, NULs removed', async () => {
    const body = `${'a'.repeat(RESPONSE_BODY_LIMIT - 2)}\u0000€${'b'.repeat(10_000)}`;
    receiver.reply(() => ({ status: 503, body, headers: { 'retry-after': '7' } }));
    try {
      const result = await client.send(`${receiver.url}/in`, REQUEST);

      expect(result).toMatchObject({ kind: 'response', statusCode: 503 });
      if (result.kind !== 'response') throw new Error('expected a response');
      expect(result.headers['retry-after']).toBe('7');
      // The 4 KiB cut falls inside "€": the partial character becomes U+FFFD.
      expect(result.responseBody).toBe(`${'a'.repeat(RESPONSE_BODY_LIMIT - 2)}\uFFFD`);
    } finally {
      receiver.reply(() => ({ status: 200, body: 'ok' }));
    }
  });

  it('does not follow a redirect: the 302 is the answer', async () => {
    receiver.reply((request) => (request.path === '/moved' ? { status: 302, headers: { location: '/elsewhere' } } : { status: 200, body: 'followed' }));
    const before = receiver.requests.length;
    try {
      const result = await client.send(`${receiver.url}/moved`, REQUEST);

      expect(result).toMatchObject({ kind: 'response', statusCode: 302, headers: { location: '/elsewhere' } });
      expect(receiver.requests.length).toBe(before + 1);
    } finally {
      receiver.reply(() => ({ status: 200, body: 'ok' }));
    }
  });

  it('when the answer does not start within the timeout, returns TIMEOUT', async () => {
    await withServer((_request, response) => {
      const late = setTimeout(() => response.end('late'), 1_000);
      response.on('close', () => clearTimeout(late));
    }, async (host) => {
      expect(await client.send(`http://${host}/in`, REQUEST)).toMatchObject({ kind: 'error', errorCode: 'TIMEOUT', responseBody: null });
    });
  });

  it('when the body does not end within the timeout, returns TIMEOUT rather than the status already received', async () => {
    await withServer((_request, response) => {
      response.writeHead(200, { 'content-length': '10' });
      response.write('abc');
      const late = setTimeout(() => response.end('defghij'), 1_000);
      response.on('close', () => clearTimeout(late));
    }, async (host) => {
      expect(await client.send(`http://${host}/in`, REQUEST)).toMatchObject({ kind: 'error', errorCode: 'TIMEOUT', responseBody: null });
    });
  });

  it('when the connection drops in the middle of the body, returns CONNECTION_RESET', async () => {
    await withServer((_request, response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('abc');
      setTimeout(() => response.socket?.destroy(), 20);
    }, async (host) => {
      expect(await client.send(`http://${host}/in`, REQUEST)).toMatchObject({ kind: 'error', errorCode: 'CONNECTION_RESET' });
    });
  });

  it('when nothing listens, returns CONNECTION_REFUSED', async () => {
    const server = createServer();
    const host = await listen(server);
    await close(server);
    expect(await client.send(`http://${host}/in`, REQUEST)).toMatchObject({ kind: 'error', errorCode: 'CONNECTION_REFUSED' });
  });

  describe('over https', () => {
    const server = createHttpsServer({ key: TEST_ONLY_TLS_KEY, cert: TEST_ONLY_TLS_CERT }, (request, response) => {
      request.resume();
      request.on('end', () => response.end('tls ok'));
    });
    let url: string;

    beforeAll(async () => {
      url = `https://localhost:${(await listen(server)).split(':')[1]}/in`;
    });

    afterAll(async () => {
      await close(server);
    });

    it('refuses a certificate it cannot verify, even when NODE_TLS_REJECT_UNAUTHORIZED=0 is set', async () => {
      // node reads the variable from the real environment, which jest does not let a test change: the
      // client runs in a child process started with it.
      const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', '--input-type=module', '-e', `
        import { Agent } from 'node:http';
        import { Agent as HttpsAgent } from 'node:https';
        import { SsrfGuard, WebhookClient } from ${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)};
        const agents = { http: new Agent(), https: new HttpsAgent() };
        const client = new WebhookClient({ timeoutMs: 5000, agents, guard: new SsrfGuard(${JSON.stringify(LOCAL)}) });
        process.stdout.write(JSON.stringify(await client.send(process.argv[1], { body: '{}', headers: {} })));
      `, url], { env: { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: '0' }, stdio: ['ignore', 'pipe', 'ignore'] });
      const chunks: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      await once(child, 'close');

      expect(JSON.parse(Buffer.concat(chunks).toString('utf8'))).toMatchObject({ kind: 'error', errorCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    });

    it('delivers to a receiver whose certificate the https agent trusts', async () => {
      const trusting = { http: new Agent(), https: new HttpsAgent({ keepAlive: true, ca: TEST_ONLY_TLS_CERT }) };
      try {
        const result = await new WebhookClient({ timeoutMs: 2_000, agents: trusting, guard: new SsrfGuard(LOCAL) }).send(url, REQUEST);
        expect(result).toMatchObject({ kind: 'response', statusCode: 200, responseBody: 'tls ok' });
      } finally {
        trusting.https.destroy();
      }
    });
  });
});
