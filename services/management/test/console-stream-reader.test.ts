// The console's SSE reader (console/src/sse.ts) against a real HTTP server: it parses the stream as
// EventSource does, and on reconnect sends the last id it saw as Last-Event-ID after the server's retry:.
import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@hookway/testing';
import { openStream, SseParser, type StreamMessage, type StreamState } from '../console/src/sse.js';

describe('the console stream reader', () => {
  let server: Server | undefined;

  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('parses ids, event names, multi-line data and retry across chunk boundaries, and ignores comments', () => {
    const messages: StreamMessage[] = [];
    const parser = new SseParser((message) => messages.push(message));
    parser.push('retry: 1500\n: connected\n\nid: 7\nevent: job.deliv');
    parser.push('ered\ndata: {"a":\ndata: 1}\n\ndata: no id\r\n\r\n');
    expect(parser.retryMs).toBe(1500);
    expect(messages).toEqual([
      { id: '7', event: 'job.delivered', data: '{"a":\n1}' },
      // The last id carries over to a message without one, as EventSource's lastEventId does.
      { id: '7', event: 'message', data: 'no id' },
    ]);
  });

  it('when the stream drops, reconnects after retry: and sends the last id as Last-Event-ID with the credential header', async () => {
    const connections: IncomingHttpHeaders[] = [];
    server = createServer((req, res) => {
      connections.push(req.headers);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (connections.length === 1) {
        res.end('retry: 20\n\nid: fact-1\nevent: job.delivered\ndata: {"n":1}\n\nid: fact-2\ndata: {"n":2}\n\n');
      } else {
        res.write('id: fact-3\ndata: {"n":3}\n\n');
      }
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const seen: StreamMessage[] = [];
    const states: StreamState[] = [];
    const stop = openStream(`http://127.0.0.1:${port}/api/v1/stream`, { 'x-internal-api-key': 'k' }, {
      onMessage: (message) => seen.push(message),
      onState: (state) => states.push(state),
    });
    try {
      await waitFor(() => seen.length === 3, { what: 'three messages over two connections' });
      expect(seen.map((message) => message.data)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
      expect(connections[0]!['last-event-id']).toBeUndefined();
      expect(connections[1]!['last-event-id']).toBe('fact-2');
      expect(connections[1]!['x-internal-api-key']).toBe('k');
      expect(states).toEqual(expect.arrayContaining(['connecting', 'open', 'reconnecting']));
    } finally {
      stop();
      server.closeAllConnections();
    }
  });

  it('stops, without retrying, on a 401 and says so', async () => {
    let requests = 0;
    server = createServer((_req, res) => {
      requests += 1;
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: false, error: { code: 'UNAUTHORIZED', message: 'invalid API key' } }));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const closed: string[] = [];
    const stop = openStream(`http://127.0.0.1:${port}/api/v1/stream`, { 'x-internal-api-key': 'wrong' }, {
      onMessage: () => undefined,
      onState: (state, detail) => {
        if (state === 'closed' && detail) closed.push(detail);
      },
    });
    try {
      await waitFor(() => closed.length === 1, { what: 'the stream to close' });
      expect(closed[0]).toBe('401 UNAUTHORIZED: invalid API key');
      expect(requests).toBe(1);
    } finally {
      stop();
    }
  });
});
