// A start that fails part way closes what it had opened before its error goes on: at the ops server (its
// port is taken), after the pool and the broker connection are open; and at the broker, which cannot be
// reached, after the pool was made.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createTestBroker, createTestDatabase, occupiedPort, sessionsSettled, silentLogger, tcpHandles, tcpHandlesSettled, testConfig,
  TEST_RETRY_SCHEDULE_MS, type TestBroker, type TestDatabase,
} from '@hookway/testing';
import { start } from '../src/main.js';

describe('audit start that fails part way', () => {
  let database: TestDatabase;
  let broker: TestBroker;
  let ops: { port: number; release(): Promise<void> };

  beforeAll(async () => {
    database = await createTestDatabase('auditfailedstart');
    // The fixture's own pool closes idle connections when it pleases: closed now, it cannot blur the count.
    await database.db.destroy();
    broker = await createTestBroker('auditfailedstart', TEST_RETRY_SCHEDULE_MS);
    ops = await occupiedPort();
  });

  afterAll(async () => {
    await ops.release();
    await broker.cleanup();
    await database.drop();
  });

  it('when the ops port is taken, rejects with EADDRINUSE and leaves no server, socket or database session open', async () => {
    const config = testConfig({ databaseUrl: database.url, brokerPrefix: broker.prefix, env: { OPS_PORT: String(ops.port) } });
    const before = tcpHandles();

    await expect(start(config, silentLogger('audit'))).rejects.toThrow('EADDRINUSE');

    const after = await tcpHandlesSettled(before);
    expect(after.servers).toBeLessThanOrEqual(before.servers);
    expect(after.sockets).toBeLessThanOrEqual(before.sockets);
    expect(await sessionsSettled(database.url, 'hookway-audit')).toBe(0);
  });

  it('when RabbitMQ cannot be reached, rejects once the connection retries are spent and leaves nothing open', async () => {
    // Nothing listens on port 1: every connection attempt is refused at once.
    const config = testConfig({
      databaseUrl: database.url, brokerPrefix: broker.prefix, env: { RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:1' },
    });
    const before = tcpHandles();

    await expect(start(config, silentLogger('audit'))).rejects.toThrow('ECONNREFUSED');

    const after = await tcpHandlesSettled(before);
    expect(after.servers).toBeLessThanOrEqual(before.servers);
    expect(after.sockets).toBeLessThanOrEqual(before.sockets);
    expect(await sessionsSettled(database.url, 'hookway-audit')).toBe(0);
  });
});
