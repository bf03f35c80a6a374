import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Agent, request } from 'node:http';
import { captureLogger, silentLogger, waitFor } from '@hookway/testing';
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
    // The request is answered only once close() has begun, so it is under way at close by construction.
    let arrived: () => void = () => undefined;
    const underWay = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    let answer: () => void = () => undefined;
    const closeBegun = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const app = createHttpApp({ logger: silentLogger() });
    app.get('/slow', (_req, res) => {
      arrived();
      void closeBegun.then(() => sendData(res, 200, { ok: true }));
    });
    const server = await listen(app, 0, '127.0.0.1');
    const agent = new Agent({ keepAlive: true });
    try {
      const answered = new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
        request({ port: server.port, host: '127.0.0.1', path: '/slow', agent }, (response) => {
          response.resume();
          response.on('end', () => resolve({ status: response.statusCode ?? 0, connection: response.headers.connection }));
        }).on('error', reject).end();
      });
      await underWay;
      const closing = server.close();
      answer();
      const response = await answered;
      expect(response).toEqual({ status: 200, connection: 'close' });
      // Without the fix the server stays open for keepAliveTimeout (65 s) after the answer: the test times out.
      await closing;
    } finally {
      agent.destroy();
    }
  });
});

describe('listen: request and response objects', () => {
  it('creates them with the app\'s prototypes, so express never has to re-parent them, and express still works on them', async () => {
    const app = createHttpApp({ logger: silentLogger() });
    const seen: { bornAsApp: boolean; stillAfterExpress: boolean; app: boolean }[] = [];
    app.get('/ok', (req, res) => {
      seen.push({
        bornAsApp: bornWith.get(req) === app.request && bornWith.get(res) === app.response,
        stillAfterExpress: Object.getPrototypeOf(req) === app.request && Object.getPrototypeOf(res) === app.response,
        app: req.app === app && res.app === app,
      });
      sendData(res, 200, { ok: true });
    });
    const bornWith = new WeakMap<object, unknown>();
    const server = await listen(app, 0, '127.0.0.1');
    // Runs before express sees the request: the prototypes node gave the objects.
    server.server.prependListener('request', (req, res) => {
      bornWith.set(req, Object.getPrototypeOf(req));
      bornWith.set(res, Object.getPrototypeOf(res));
    });
    try {
      const response = await raw(server.port, {});
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ success: true, data: { ok: true }, meta: {} });
      expect(seen).toEqual([{ bornAsApp: true, stillAfterExpress: true, app: true }]);
    } finally {
      await server.close();
    }
  });
});

describe('request logging', () => {
  const serve = async (level: string): Promise<{ lines: () => Record<string, unknown>[]; server: RunningServer }> => {
    const { logger, lines } = captureLogger('http', level);
    const app = createHttpApp({ logger });
    app.get('/ok', (_req, res) => sendData(res, 200, { ok: true }));
    app.get('/boom', () => {
      throw new Error('kaboom');
    });
    app.use(notFoundHandler());
    app.use(errorHandler());
    const server = await listen(app, 0, '127.0.0.1');
    return { lines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>), server };
  };

  it('when debug is on, writes one line per request with its request id, status and path', async () => {
    const { lines, server } = await serve('debug');
    try {
      await raw(server.port, { 'x-request-id': 'req-log-1' });
      // The line is written when the response finishes, which may be just after the client has it.
      await waitFor(() => lines().length > 0, { what: 'the request log line' });
      expect(lines()).toEqual([expect.objectContaining({ message: 'request', requestId: 'req-log-1', path: '/ok', status: 200, level: 'debug' })]);
    } finally {
      await server.close();
    }
  });

  it('when a request fails at info level, logs only the error, with the request id', async () => {
    const { lines, server } = await serve('info');
    try {
      const response = await new Promise<number>((resolve, reject) => {
        request({ host: '127.0.0.1', port: server.port, path: '/boom', agent: false, headers: { 'x-request-id': 'req-log-2' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject).end();
      });
      expect(response).toBe(500);
      expect(lines()).toEqual([expect.objectContaining({ message: 'unhandled error', requestId: 'req-log-2', level: 'error', error: 'kaboom' })]);
    } finally {
      await server.close();
    }
  });
});
