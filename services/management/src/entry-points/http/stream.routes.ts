// GET /stream: Server-Sent Events of job and attempt updates, optionally for one integration or event.
// EventSource cannot send headers, so this route also takes the API key as ?key=. Comment-line
// heartbeats keep proxies from closing an idle stream; a client that disconnects is dropped at once.
import { Router, type RequestHandler } from 'express';
import { queryParser, unavailable } from '@hookway/http';
import type { JobStream, StreamFilter } from '../../domain/job-stream.js';

interface StreamQuery {
  key?: string;
  integrationId?: string;
  eventId?: string;
}

const parseQuery = queryParser<StreamQuery>({
  type: 'object',
  additionalProperties: false,
  properties: {
    key: { type: 'string', nullable: true },
    integrationId: { type: 'string', format: 'uuid', nullable: true },
    eventId: { type: 'string', format: 'uuid', nullable: true },
  },
});

export function streamRoutes(deps: { stream: JobStream; auth: RequestHandler; heartbeatMs: number; onStop: (close: () => void) => void }): Router {
  const router = Router();
  const open = new Set<() => void>();
  let stopping = false;
  deps.onStop(() => {
    stopping = true;
    for (const close of open) close();
  });

  router.get('/stream', deps.auth, async (req, res) => {
    const query = parseQuery(req.query);
    const filter: StreamFilter = {
      ...(query.integrationId ? { integrationId: query.integrationId } : {}),
      ...(query.eventId ? { eventId: query.eventId } : {}),
    };
    let gone = false;
    req.once('close', () => {
      gone = true;
    });
    // The 200 goes out once the stream follows the job facts: a client that saw the stream open misses
    // nothing published after that.
    const unsubscribe = await deps.stream.subscribe(filter, (update) => {
      res.write(`id: ${update.id}\nevent: ${update.type}\ndata: ${JSON.stringify(update)}\n\n`);
    });
    if (gone) {
      unsubscribe();
      return;
    }
    // The service began to stop while this stream was being set up: an open stream would hold the
    // server's close until the client left.
    if (stopping) {
      unsubscribe();
      throw unavailable('the service is stopping; reconnect');
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n: connected\n\n');
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), deps.heartbeatMs);
    const close = (): void => {
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(close);
      res.end();
    };
    open.add(close);
    req.on('close', close);
  });
  return router;
}
