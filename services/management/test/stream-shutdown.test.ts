// A GET /stream that cannot be served (still being set up when the service begins to stop, or the log
// cannot be read) must not stay open, and must bring an EventSource back: EventSource gives up for good on
// any non-200, so it gets 200 with `retry:` and an `unavailable` event, then the end; other clients get
// 503 with Retry-After. The log's opening is held by the test so the stop lands exactly in that window.
import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { EventSource } from 'eventsource';
import { createHttpApp, errorHandler } from '@hookway/http';
import { silentLogger, waitFor } from '@hookway/testing';
import { JobStream, type JobFactSource, type JobUpdate } from '../src/domain/job-stream.js';
import { streamRoutes } from '../src/entry-points/http/stream.routes.js';

const RETRY_MS = 50;

/** An empty log whose opening the test holds (`reached` resolves when the route asks), or fails once. */
class HeldLog implements JobFactSource {
  reached: Promise<void>;
  opened = 0;
  failures = 0;
  private arrive: () => void = () => undefined;
  private release: () => void = () => undefined;
  private gate: Promise<void> = Promise.resolve();

  constructor() {
    this.reached = Promise.resolve();
  }

  hold(): void {
    this.reached = new Promise<void>((resolve) => {
      this.arrive = resolve;
    });
    this.gate = new Promise<void>((resolve) => {
      this.release = resolve;
    });
  }

  open(): void {
    this.release();
  }

  async latestPosition(): Promise<number> {
    this.arrive();
    await this.gate;
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('database unreachable');
    }
    this.opened += 1;
    return 0;
  }

  after(): Promise<JobUpdate[]> {
    return Promise.resolve([]);
  }

  window(): Promise<{ updates: JobUpdate[]; truncated: boolean }> {
    return Promise.resolve({ updates: [], truncated: false });
  }
}

function streamApp(log: HeldLog): { stream: JobStream; stop: () => void; app: ReturnType<typeof createHttpApp> } {
  const stream = new JobStream(log, { pollIntervalMs: 20, resumeWindow: 10 });
  let stop: () => void = () => undefined;
  const app = createHttpApp({ logger: silentLogger() });
  app.use(streamRoutes({
    stream,
    auth: (_req, _res, next) => next(),
    heartbeatMs: 60_000,
    retryMs: RETRY_MS,
    onStop: (close) => {
      stop = close;
    },
  }));
  app.use(errorHandler());
  return { stream, stop: () => stop(), app };
}

describe('GET /stream while the service stops, or cannot read the log', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('answers 503 with Retry-After to a plain client whose set-up outlasted the start of shutdown, and leaves nothing followed', async () => {
    const log = new HeldLog();
    log.hold();
    const { stream, stop, app } = streamApp(log);

    const answer = request(app).get('/stream').then((response) => response);
    await log.reached;
    stop();
    log.open();
    const response = await answer;

    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.body).toMatchObject({ success: false, error: { code: 'UNAVAILABLE' } });
    await stream.idle();
    expect(stream.size).toBe(0);
  });

  it('answers an EventSource request in that window with 200, retry and an unavailable event, then ends it', async () => {
    const log = new HeldLog();
    log.hold();
    const { stream, stop, app } = streamApp(log);

    const answer = request(app).get('/stream').set('accept', 'text/event-stream').then((response) => response);
    await log.reached;
    stop();
    log.open();
    const response = await answer;

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/event-stream');
    expect(response.text).toBe(`retry: ${RETRY_MS}\nevent: unavailable\ndata: {"code":"UNAVAILABLE","message":"the service is stopping; reconnect"}\n\n`);
    await stream.idle();
    expect(stream.size).toBe(0);
  });

  it('an EventSource told the log cannot be read comes back by itself and opens once it can', async () => {
    const log = new HeldLog();
    log.failures = 1;
    const { stream, app } = streamApp(log);
    const server: Server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }));

    cleanups.push(async () => {
      await waitFor(() => stream.size === 0, { what: 'the closed EventSource to be forgotten' });
      await stream.idle();
    });
    const seen: string[] = [];
    const source = new EventSource(`http://127.0.0.1:${(server.address() as AddressInfo).port}/stream`);
    cleanups.push(() => source.close());
    source.addEventListener('unavailable', (message) => seen.push(`unavailable ${(JSON.parse(message.data as string) as { code: string }).code}`));
    source.onerror = () => seen.push(`error, readyState ${source.readyState}`);
    source.onopen = () => seen.push('open');

    // First answer: open, the unavailable event, the end (EventSource reconnecting); then the reconnect opens.
    await waitFor(() => seen.filter((entry) => entry === 'open').length === 2, { what: 'the EventSource to reconnect' });
    expect(seen).toEqual(['open', 'unavailable UNAVAILABLE', `error, readyState ${EventSource.CONNECTING}`, 'open']);
    expect(log.opened).toBe(1);
    expect(stream.size).toBe(1);
  });
});
