// What a test counts to show that a start which failed part way left nothing open: the listening servers
// and TCP sockets of this process, and the sessions an application holds on a test database; and a port
// already taken, to make a start fail late.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createDatabase } from '@hookway/db';
import { createTestBroker, type TestBroker } from './broker.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { waitFor } from './wait.js';

export interface TcpHandles {
  servers: number;
  sockets: number;
}

/** Listening servers and TCP sockets (database, broker and HTTP connections) this process has open now. */
export function tcpHandles(): TcpHandles {
  const open = process.getActiveResourcesInfo();
  return {
    servers: open.filter((type) => type === 'TCPServerWrap').length,
    sockets: open.filter((type) => type === 'TCPSocketWrap').length,
  };
}

/**
 * The counts once no more are open than at `baseline` (closing takes a few turns of the loop), or as they
 * still are after `timeoutMs`, for the test's assertion to show. Fewer than at `baseline` is fine: something
 * else of the process (an idle pooled connection) may close meanwhile.
 */
export async function tcpHandlesSettled(baseline: TcpHandles, timeoutMs = 10_000): Promise<TcpHandles> {
  await waitFor(() => {
    const now = tcpHandles();
    return now.servers <= baseline.servers && now.sockets <= baseline.sockets;
  }, { timeoutMs, what: 'servers and sockets to close' }).catch(() => undefined);
  return tcpHandles();
}

/**
 * The sessions on the database at `url` whose application_name starts with `application`, once there are
 * none (a backend ends a moment after its client has gone), or as many as remain after `timeoutMs`.
 */
export async function sessionsSettled(url: string, application: string, timeoutMs = 10_000): Promise<number> {
  const db = createDatabase({ url, poolMax: 1, applicationName: 'hookway-test-sessions' });
  const count = async (): Promise<number> => (await db.raw<{ rows: Array<{ count: number }> }>(
    `SELECT count(*)::int AS count FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND starts_with(application_name, ?)`, [application])).rows[0]!.count;
  try {
    await waitFor(async () => (await count()) === 0, { timeoutMs, what: `the sessions of ${application} to end` }).catch(() => undefined);
    return await count();
  } finally {
    await db.destroy();
  }
}

/** A port something else already listens on (every address), so that a service told to listen there fails. */
export async function occupiedPort(): Promise<{ port: number; release(): Promise<void> }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    release: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What a start that failed left open beyond what the process had before it (0 each when it cleaned up). */
export interface StartLeftovers {
  /** What the start threw, as text ('' when it did not fail). */
  error: string;
  servers: number;
  sockets: number;
  /** Sessions of the service's application_name still on the database. */
  sessions: number;
}

/** A test database (its own pool closed, so it cannot blur the counts), a broker prefix and a taken port. */
export interface FailedStartFixture {
  database: TestDatabase;
  broker: TestBroker;
  /** A port something else listens on: a service told to serve its ops endpoint there fails late in its start. */
  takenPort: number;
  /** Runs `start` (which must fail) and counts what it left open; `application` is the service's application_name prefix. */
  leftovers(start: () => Promise<unknown>, application: string): Promise<StartLeftovers>;
  close(): Promise<void>;
}

export async function failedStartFixture(label: string, retryScheduleMs: readonly number[]): Promise<FailedStartFixture> {
  const database = await createTestDatabase(label);
  await database.db.destroy();
  const broker = await createTestBroker(label, [...retryScheduleMs]);
  const taken = await occupiedPort();
  return {
    database,
    broker,
    takenPort: taken.port,
    leftovers: async (start, application) => {
      const before = tcpHandles();
      let error = '';
      try {
        await start();
      } catch (caught) {
        error = caught instanceof Error ? caught.message : String(caught);
      }
      const after = await tcpHandlesSettled(before);
      return {
        error,
        servers: Math.max(0, after.servers - before.servers),
        sockets: Math.max(0, after.sockets - before.sockets),
        sessions: await sessionsSettled(database.url, application),
      };
    },
    close: async () => {
      await taken.release();
      await broker.cleanup();
      await database.drop();
    },
  };
}
