// A start that fails part way closes what it had opened before its error goes on: at the ops server (its
// port is taken), after the pool and the broker connection are open; and at the broker, which cannot be
// reached, after the pool was made.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { failedStartFixture, silentLogger, testConfig, TEST_RETRY_SCHEDULE_MS, type FailedStartFixture } from '@hookway/testing';
import { start } from '../src/main.js';

describe('audit start that fails part way', () => {
  let fixture: FailedStartFixture;

  beforeAll(async () => {
    fixture = await failedStartFixture('auditfailedstart', TEST_RETRY_SCHEDULE_MS);
  });

  afterAll(async () => {
    await fixture.close();
  });

  it('when the ops port is taken, rejects with EADDRINUSE and leaves no server, socket or database session open', async () => {
    const { database, broker, takenPort } = fixture;
    const config = testConfig({ databaseUrl: database.url, brokerPrefix: broker.prefix, env: { OPS_PORT: String(takenPort) } });
    expect(await fixture.leftovers(() => start(config, silentLogger('audit')), 'hookway-audit'))
      .toEqual({ error: expect.stringContaining('EADDRINUSE'), servers: 0, sockets: 0, sessions: 0 });
  });

  it('when RabbitMQ cannot be reached, rejects once the connection retries are spent and leaves nothing open', async () => {
    // Nothing listens on port 1: every connection attempt is refused at once.
    const config = testConfig({
      databaseUrl: fixture.database.url, brokerPrefix: fixture.broker.prefix, env: { RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:1' },
    });
    expect(await fixture.leftovers(() => start(config, silentLogger('audit')), 'hookway-audit'))
      .toEqual({ error: expect.stringContaining('ECONNREFUSED'), servers: 0, sockets: 0, sessions: 0 });
  });
});
