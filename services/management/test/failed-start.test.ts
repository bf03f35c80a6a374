// A start that fails part way closes what it had opened before its error goes on: here it fails at the ops
// server (its port is taken), after the pool, the broker connection, the outbound agents and the HTTP
// server are open (and the sealing-key check is reading in the background).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createTestBroker, createTestDatabase, occupiedPort, sessionsSettled, silentLogger, tcpHandles, tcpHandlesSettled, testConfig,
  TEST_RETRY_SCHEDULE_MS, type TestBroker, type TestDatabase,
} from '@hookway/testing';
import { start } from '../src/main.js';

describe('management start that fails part way', () => {
  let database: TestDatabase;
  let broker: TestBroker;
  let ops: { port: number; release(): Promise<void> };

  beforeAll(async () => {
    database = await createTestDatabase('managementfailedstart');
    // The fixture's own pool closes idle connections when it pleases: closed now, it cannot blur the count.
    await database.db.destroy();
    broker = await createTestBroker('managementfailedstart', TEST_RETRY_SCHEDULE_MS);
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

    await expect(start(config, silentLogger('management'))).rejects.toThrow('EADDRINUSE');

    const after = await tcpHandlesSettled(before);
    expect(after.servers).toBeLessThanOrEqual(before.servers);
    expect(after.sockets).toBeLessThanOrEqual(before.sockets);
    expect(await sessionsSettled(database.url, 'hookway-management')).toBe(0);
  });
});
