// A start that fails part way closes what it had opened before its error goes on: here it fails at the very
// end (the ops port is taken), after the pool, the broker connection, the sources' NOTIFY listener and the
// HTTP server are all open.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { failedStartFixture, silentLogger, testConfig, type FailedStartFixture } from '@hookway/testing';
import { start } from '../src/main.js';
import { RETRY_SCHEDULE_MS } from './support.js';

describe('ingress start that fails part way', () => {
  let fixture: FailedStartFixture;

  beforeAll(async () => {
    fixture = await failedStartFixture('ingressfailedstart', RETRY_SCHEDULE_MS);
  });

  afterAll(async () => {
    await fixture.close();
  });

  it('when the ops port is taken, rejects with EADDRINUSE and leaves no server, socket or database session open', async () => {
    const { database, broker, takenPort } = fixture;
    const config = testConfig({ databaseUrl: database.url, brokerPrefix: broker.prefix, env: { OPS_PORT: String(takenPort) } });
    // The pool's and the NOTIFY listener's (hookway-ingress-sources) sessions count.
    expect(await fixture.leftovers(() => start(config, silentLogger('ingress')), 'hookway-ingress'))
      .toEqual({ error: expect.stringContaining('EADDRINUSE'), servers: 0, sockets: 0, sessions: 0 });
  });
});
