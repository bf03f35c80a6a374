// A real HTTP receiver on 127.0.0.1:0 that records every request and answers as the test scripts it.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

export interface ReceiverReply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Wait before answering (timeouts). */
  delayMs?: number;
}

export interface Receiver {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  /** Sets how the next requests are answered (default 200 "ok"). */
  reply(answer: (request: ReceivedRequest, index: number) => ReceiverReply): void;
  close(): Promise<void>;
}

/** What a test may add to the receiver: its own bookkeeping of each request, and which requests `requests` keeps. */
export interface ReceiverHooks {
  /**
   * Sees each request with the reply chosen for it, before the reply is written; `onClosed` registers a listener
   * called once, when the answer is written or the connection goes first (a sender killed mid-request).
   */
  onRequest?(request: ReceivedRequest, reply: ReceiverReply, onClosed: (listener: () => void) => void): void;
  /** Whether `requests` keeps the request (default: every one). The reply's index counts every request. */
  keep?(request: ReceivedRequest, reply: ReceiverReply): boolean;
}

export async function startReceiver(hooks: ReceiverHooks = {}): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let seen = 0;
  let answer: (request: ReceivedRequest, index: number) => ReceiverReply = () => ({ status: 200, body: 'ok' });
  // Delayed answers still pending; close() clears them, or a test's last slow answer (a timeout test waits
  // seconds) would keep the jest worker alive after its tests ("worker failed to exit gracefully").
  const delayed = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now(),
      };
      // Recorded before the answer is chosen: an answer may count the requests so far, this one included.
      requests.push(request);
      const reply = answer(request, seen);
      seen += 1;
      if (hooks.keep && !hooks.keep(request, reply)) requests.pop();
      if (hooks.onRequest) {
        hooks.onRequest(request, reply, (listener) => {
          let open = true;
          const close = (): void => {
            if (!open) return;
            open = false;
            listener();
          };
          res.once('finish', close);
          res.once('close', close);
        });
      }
      const send = (): void => {
        if (res.destroyed) return;
        res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
        res.end(reply.body ?? '');
      };
      if (reply.delayMs) {
        const timer = setTimeout(() => {
          delayed.delete(timer);
          send();
        }, reply.delayMs);
        delayed.add(timer);
      } else {
        send();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    reply: (next) => {
      answer = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of delayed) clearTimeout(timer);
        delayed.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
