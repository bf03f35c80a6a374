// GET /stream: Server-Sent Events of job and attempt updates, optionally for one integration or event.
// EventSource cannot send headers, so this route also takes the API key as ?key=. A client that comes
// back with Last-Event-ID (the header EventSource sends on reconnect, or ?lastEventId= on a first
// connect) is sent what it missed first. Comment-line heartbeats keep proxies from closing an idle
// stream; a client that disconnects is dropped at once.
// A stream that cannot be served now (the service is stopping, the database cannot be read) is answered,
// for an EventSource, with 200, `retry:` and an `unavailable` event, then closed: EventSource (browsers and
// the eventsource package alike, per the WHATWG spec) gives up for good on any non-200 answer, but
// reconnects after `retry` ms when a 200 stream ends. Other clients get 503 with Retry-After.
// A caller narrowed to a workspace is sent only that workspace's jobs (an operator may ask for one with ?workspaceId=).
import { Router, type RequestHandler, type Request, type Response } from 'express';
import { AppError } from '@hookway/http';
import type { Logger } from '@hookway/logger';
import type { JobStream, StreamFilter, StreamMessage } from '../../domain/job-stream.js';
import { listedWorkspace, queryOf, type RequestQuery } from './requests.js';

/** A position in the audit log, as the spec's lastEventId pattern says; a Last-Event-ID header is held to it too. */
const POSITION = /^[0-9]{1,15}$/;

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
} as const;

export interface StreamRouteDependencies {
  stream: JobStream;
  auth: RequestHandler;
  heartbeatMs: number;
  /** The reconnection delay sent to clients (`retry:`), and the Retry-After of a 503. */
  retryMs: number;
  onStop: (close: () => void) => void;
  /** Whether a workspace API key is still live: a stream opened with one ends at the first heartbeat after its revocation. */
  keyIsLive?: (keyId: string) => Promise<boolean>;
  logger?: Logger;
}

/**
 * Where the client resumes: the Last-Event-ID header (set by EventSource on every reconnect) wins over
 * ?lastEventId= (a first connect, e.g. after a page reload). An id that is not a position (an id from
 * before positions existed, or garbage) is ignored: the stream starts live.
 */
function resumePosition(req: Request, query: RequestQuery<'streamJobUpdates'>): number | undefined {
  const header = req.get('last-event-id')?.trim();
  const raw = header !== undefined && header !== '' ? header : query.lastEventId;
  return raw !== undefined && POSITION.test(raw) ? Number(raw) : undefined;
}

const frame = (message: StreamMessage): string => message.kind === 'update'
  ? `id: ${message.update.id}\nevent: ${message.update.type}\ndata: ${JSON.stringify(message.update)}\n\n`
  : `event: stream.missed\ndata: ${JSON.stringify(message.notice)}\n\n`;

/**
 * `validateRequest` checks the query against the spec (router.ts passes the validator every route shares; a test
 * that mounts this route alone may leave it out). It runs after `deps.auth`: no credentials, no 400 to learn from.
 */
export function streamRoutes(deps: StreamRouteDependencies, validateRequest: RequestHandler[] = []): Router {
  const router = Router();
  const open = new Set<() => void>();
  let stopping = false;
  deps.onStop(() => {
    stopping = true;
    for (const close of open) close();
  });

  const refuse = (req: Request, res: Response, message: string): void => {
    if (req.get('accept')?.includes('text/event-stream')) {
      res.writeHead(200, SSE_HEADERS);
      res.end(`retry: ${deps.retryMs}\nevent: unavailable\ndata: ${JSON.stringify({ code: 'UNAVAILABLE', message })}\n\n`);
      return;
    }
    throw new AppError(503, 'UNAVAILABLE', message, { headers: { 'retry-after': String(Math.max(1, Math.ceil(deps.retryMs / 1000))) } });
  };

  router.get('/stream', deps.auth, ...validateRequest, async (req, res) => {
    const query = queryOf<'streamJobUpdates'>(req);
    const workspaceId = listedWorkspace(req, query.workspaceId);
    const filter: StreamFilter = {
      ...(workspaceId ? { workspaceId } : {}),
      ...(query.integrationId ? { integrationId: query.integrationId } : {}),
      ...(query.eventId ? { eventId: query.eventId } : {}),
    };
    let gone = false;
    req.once('close', () => {
      gone = true;
    });
    // The 200 goes out once the stream follows the job facts (and has read what a resuming client missed):
    // a client that saw the stream open misses nothing recorded after that.
    let subscription;
    try {
      subscription = await deps.stream.subscribe(filter, resumePosition(req, query));
    } catch (error) {
      deps.logger?.warn('stream could not read the job facts', { error: error instanceof Error ? error.message : String(error) });
      if (!gone) refuse(req, res, 'the job updates cannot be read now; reconnect');
      return;
    }
    if (gone) {
      subscription.close();
      return;
    }
    // The service began to stop while this stream was being set up: an open stream would hold the
    // server's close until the client left.
    if (stopping) {
      subscription.close();
      refuse(req, res, 'the service is stopping; reconnect');
      return;
    }
    res.writeHead(200, SSE_HEADERS);
    res.write(`retry: ${deps.retryMs}\n: connected\n\n`);
    subscription.start((message) => res.write(frame(message)));
    const { apiKey } = req;
    const heartbeat = setInterval(() => {
      res.write(': heartbeat\n\n');
      if (!apiKey || !deps.keyIsLive) return;
      deps.keyIsLive(apiKey.id).then((live) => {
        if (live) return;
        res.write(`event: unauthorized\ndata: ${JSON.stringify({ code: 'UNAUTHORIZED', message: 'the API key has been revoked' })}\n\n`);
        close();
      }, () => undefined); // the database away: the next heartbeat asks again
    }, deps.heartbeatMs);
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      subscription.close();
      open.delete(close);
      res.end();
    };
    open.add(close);
    req.on('close', close);
  });
  return router;
}
