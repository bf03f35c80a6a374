// A start that fails part way closes what it had opened before its error goes on: here it fails at the very
// end (the ops port is taken), after the pool, the broker connection, the sources' NOTIFY listener and the
// HTTP server are all open.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createTestBroker, createTestDatabase, occupiedPort, sessionsSettled, silentLogger, tcpHandles, tcpHandlesSettled, testConfig,
  type TestBroker, type TestDatabase,
} from '@hookway/testing';
import { start } from '../src/main.js';
import { RETRY_SCHEDULE_MS } from './support.js';

describe('ingress start that fails part way', () => {
  let database: TestDatabase;
  let broker: TestBroker;
  let ops: { port: number; release(): Promise<void> };

  beforeAll(async () => {
    database = await createTestDatabase('ingressfailedstart');
    // The fixture's own pool closes idle connections when it pleases: closed now, it cannot blur the count.
    await database.db.destroy();
    broker = await createTestBroker('ingressfailedstart', RETRY_SCHEDULE_MS);
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

    await expect(start(config, silentLogger('ingress'))).rejects.toThrow('EADDRINUSE');

    const after = await tcpHandlesSettled(before);
    expect(after.servers).toBeLessThanOrEqual(before.servers);
    expect(after.sockets).toBeLessThanOrEqual(before.sockets);
    // The pool's and the NOTIFY listener's (hookway-ingress-sources) sessions.
    expect(await sessionsSettled(database.url, 'hookway-ingress')).toBe(0);
  });
});
