// A start that fails part way closes what it had opened before its error goes on: here it fails at the ops
// server (its port is taken), after the pool, the broker connection and the outbound agents are open (and the sealing-key check
// is reading in the background).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { failedStartFixture, silentLogger, testConfig, TEST_RETRY_SCHEDULE_MS, type FailedStartFixture } from '@hookway/testing';
import { start } from '../src/main.js';

describe('dispatcher start that fails part way', () => {
  let fixture: FailedStartFixture;

  beforeAll(async () => {
    fixture = await failedStartFixture('dispatcherfailedstart', TEST_RETRY_SCHEDULE_MS);
  });

  afterAll(async () => {
    await fixture.close();
  });

  it('when the ops port is taken, rejects with EADDRINUSE and leaves no server, socket or database session open', async () => {
    const { database, broker, takenPort } = fixture;
    const config = testConfig({ databaseUrl: database.url, brokerPrefix: broker.prefix, env: { OPS_PORT: String(takenPort) } });
    expect(await fixture.leftovers(() => start(config, silentLogger('dispatcher')), 'hookway-dispatcher'))
      .toEqual({ error: expect.stringContaining('EADDRINUSE'), servers: 0, sockets: 0, sessions: 0 });
  });
});
