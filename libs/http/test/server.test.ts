import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Agent, request } from 'node:http';
import { silentLogger } from '@hookway/testing';
import { createHttpApp, errorHandler, listen, notFoundHandler, sendData, type RunningServer } from '../src/index.js';

function raw(port: number, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/ok', agent: false, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('listen', () => {
  let running: RunningServer;

  beforeAll(async () => {
    const app = createHttpApp({ logger: silentLogger() });
    app.get('/ok', (_req, res) => sendData(res, 200, { ok: true }));
    app.use(notFoundHandler());
    app.use(errorHandler());
    running = await listen(app, 0, '127.0.0.1');
  });

  afterAll(async () => {
    await running.close();
  });

  it('answers headers too large for Node\'s parser with the error envelope, not a bare status line', async () => {
    const response = await raw(running.port, { 'x-padding': 'p'.repeat(20_000) });
    expect(response.status).toBe(431);
    expect(JSON.parse(response.body)).toEqual({ success: false, error: { code: 'HEADERS_TOO_LARGE', message: 'request header fields too large', details: {} } });
    expect((await raw(running.port, {})).status).toBe(200);
  });
});

describe('listen: close()', () => {
  it('ends keep-alive connections whose requests were under way at close, without waiting for keepAliveTimeout', async () => {
    const app = createHttpApp({ logger: silentLogger() });
    app.get('/slow', (_req, res) => { setTimeout(() => sendData(res, 200, { ok: true }), 300); });
    const server = await listen(app, 0, '127.0.0.1');
    const agent = new Agent({ keepAlive: true });
    try {
      const answered = new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
        request({ port: server.port, host: '127.0.0.1', path: '/slow', agent }, (response) => {
          response.resume();
          response.on('end', () => resolve({ status: response.statusCode ?? 0, connection: response.headers.connection }));
        }).on('error', reject).end();
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      let closed = false;
      const closing = server.close().then(() => { closed = true; });
      const response = await answered;
      expect(response).toEqual({ status: 200, connection: 'close' });
      // Without the fix the server stays open for keepAliveTimeout (65 s) after the answer.
      await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      expect(closed).toBe(true);
    } finally {
      agent.destroy();
    }
  });
});
