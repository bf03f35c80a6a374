// A GET /stream that is still being set up when the service begins to stop must not open: an open
// stream would keep the server's close waiting until the client left. The feed's start is held by the
// test so the stop lands exactly in that window.
import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createHttpApp, errorHandler } from '@hookway/http';
import { silentLogger } from '@hookway/testing';
import { JobStream } from '../src/domain/job-stream.js';
import { streamRoutes } from '../src/entry-points/http/stream.routes.js';

describe('GET /stream while the service stops', () => {
  it('answers 503 to a stream whose set-up outlasted the start of shutdown, and leaves nothing followed', async () => {
    let startFeed: () => void = () => undefined;
    let following = 0;
    const stream = new JobStream(async () => {
      await new Promise<void>((resolve) => {
        startFeed = resolve;
      });
      following += 1;
      return () => {
        following -= 1;
        return Promise.resolve();
      };
    });
    let stopStreams: () => void = () => undefined;
    const app = createHttpApp({ logger: silentLogger() });
    app.use(streamRoutes({
      stream,
      auth: (_req, _res, next) => next(),
      heartbeatMs: 60_000,
      onStop: (close) => {
        stopStreams = close;
      },
    }));
    app.use(errorHandler());

    const answer = request(app).get('/stream').then((response) => response);
    await new Promise((resolve) => setTimeout(resolve, 50));
    stopStreams();
    startFeed();
    const response = await answer;

    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ success: false, error: { code: 'UNAVAILABLE' } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stream.size).toBe(0);
    expect(following).toBe(0);
  });
});
