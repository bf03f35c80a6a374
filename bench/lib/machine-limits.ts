// What this machine can do at all, measured in the same run as Hookway so the two can be compared:
// a bare node:http JSON endpoint, durable single-row PostgreSQL commits, and RabbitMQ persistent
// publishes with confirms to a quorum queue followed by consume + ack.
import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import pg from 'pg';
import type { Cleanup } from './cleanup.js';
import { startHelper } from './child.js';
import { fullSpeed, type FullSpeedResult } from './load.js';
import { asError, distribution, ratePerSecond, type Distribution } from './stats.js';
import { now } from './time.js';
import { acmeBody } from './webhooks.js';

export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export async function bareHttpCeiling(
  cleanup: Cleanup,
  { connections, durationS, signal, track }: {
    connections: number; durationS: number; signal: AbortSignal; track: (name: string, pid: number) => void;
  },
): Promise<Omit<FullSpeedResult, 'accepted'>> {
  const server = await startHelper('./bare-http-server.ts', cleanup);
  if (server.child.pid !== undefined) track('bare http server', server.child.pid);
  try {
    const body = acmeBody('bare-http-ceiling');
    const { accepted: _accepted, ...result } = await fullSpeed({
      url: `http://127.0.0.1:${server.port}`,
      path: '/api/v1/webhooks/acme',
      connections,
      durationS,
      nextRequest: () => ({ body, headers: { 'content-type': 'application/json' } }),
      signal,
    });
    return result;
  } finally {
    await server.stop();
  }
}

export interface PostgresCeiling {
  clients: number;
  durationS: number;
  commits: number;
  commitsPerSecond: number;
  latencyMs: Distribution;
  settings: { synchronousCommit: string; fsync: string; walSyncMethod: string; serverVersion: string };
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function postgresCeiling(
  cleanup: Cleanup,
  { clients, durationS, signal }: { clients: number; durationS: number; signal: AbortSignal },
): Promise<PostgresCeiling> {
  const name = `hw_bench_limits_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const drop = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
  };
  cleanup.add(`drop database ${name}`, drop);

  const pool = new pg.Pool({ connectionString: withDatabase(ADMIN_DATABASE_URL, name), max: clients });
  // An idle connection that the server ends (a restart, someone dropping the database) must fail the
  // phase through the next query, not crash the harness with an unhandled 'error' event.
  let connectionError: Error | undefined;
  pool.on('error', (error) => {
    connectionError ??= error;
  });
  try {
    // A regular (WAL-logged) table: a TEMPORARY one skips the WAL and would not measure durable commits.
    await pool.query('CREATE TABLE commits (id bigserial PRIMARY KEY, body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())');
    const setting = async (name: string): Promise<string> =>
      (await pool.query<{ value: string }>(`SELECT current_setting('${name}') AS value`)).rows[0]?.value ?? '?';
    const settings = {
      synchronousCommit: await setting('synchronous_commit'),
      fsync: await setting('fsync'),
      walSyncMethod: await setting('wal_sync_method'),
      serverVersion: await setting('server_version'),
    };
    const body = acmeBody('postgres-ceiling');
    const latencies: number[] = [];
    const startedAt = now();
    const deadline = startedAt + durationS * 1000;
    const worker = async (): Promise<void> => {
      while (now() < deadline && !signal.aborted) {
        const began = now();
        await pool.query('INSERT INTO commits (body) VALUES ($1)', [body]);
        latencies.push(now() - began);
      }
    };
    await Promise.all(Array.from({ length: clients }, worker));
    const elapsedMs = now() - startedAt;
    if (connectionError) throw new Error(`a PostgreSQL connection failed during the measurement: ${connectionError.message}`);
    return {
      clients,
      durationS: Math.round(elapsedMs) / 1000,
      commits: latencies.length,
      commitsPerSecond: ratePerSecond(latencies.length, elapsedMs),
      latencyMs: distribution(latencies),
      settings,
    };
  } finally {
    await pool.end();
    await drop();
  }
}

export interface RabbitCeiling {
  queue: string;
  window: number;
  published: number;
  publishSeconds: number;
  publishesPerSecond: number;
  consumed: number;
  consumeSeconds: number;
  consumeAcksPerSecond: number;
  serverVersion: string;
}

/** Persistent 1 KB publishes to a quorum queue with up to `window` unconfirmed at once; then drain with acks. */
export async function rabbitCeiling(
  cleanup: Cleanup,
  { prefix, durationS, window, prefetch, signal }: { prefix: string; durationS: number; window: number; prefetch: number; signal: AbortSignal },
): Promise<RabbitCeiling> {
  const queue = `${prefix}.limits`;
  // The safety net opens its own connection: the one below is closed when this step ends, however it ends.
  cleanup.add(`delete queue ${queue}`, () => deleteQueues([queue]));
  const connection = await amqp.connect(RABBITMQ_URL);
  try {
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined);
    await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    const content = Buffer.from(acmeBody('rabbitmq-ceiling'));

    let published = 0;
    let outstanding = 0;
    let failed: Error | undefined;
    const publishStarted = now();
    const deadline = publishStarted + durationS * 1000;
    await new Promise<void>((resolve) => {
      const pump = (): void => {
        while (outstanding < window && now() < deadline && !signal.aborted && !failed) {
          outstanding += 1;
          channel.sendToQueue(queue, content, { persistent: true, contentType: 'application/json' }, (error: unknown) => {
            outstanding -= 1;
            if (error) failed = asError(error);
            else published += 1;
            pump();
          });
        }
        if (outstanding === 0) resolve();
      };
      pump();
    });
    if (failed) throw failed;
    const publishMs = now() - publishStarted;

    const consumer = await connection.createChannel();
    consumer.on('error', () => undefined);
    await consumer.prefetch(prefetch);
    let consumed = 0;
    const consumeStarted = now();
    let lastAt = consumeStarted;
    await new Promise<void>((resolve) => {
      const limit = setTimeout(resolve, Math.max(10_000, durationS * 3000));
      const onAbort = (): void => resolve();
      signal.addEventListener('abort', onAbort, { once: true });
      void consumer.consume(queue, (message) => {
        if (!message) return;
        consumer.ack(message);
        consumed += 1;
        lastAt = now();
        if (consumed >= published) {
          clearTimeout(limit);
          signal.removeEventListener('abort', onAbort);
          resolve();
        }
      });
    });
    await consumer.close();
    await channel.close();
    const version = (connection.connection.serverProperties as { version?: unknown }).version;
    const serverVersion = typeof version === 'string' ? version : '?';
    return {
      queue,
      window,
      published,
      publishSeconds: Math.round(publishMs) / 1000,
      publishesPerSecond: ratePerSecond(published, publishMs),
      consumed,
      consumeSeconds: Math.round(lastAt - consumeStarted) / 1000,
      consumeAcksPerSecond: ratePerSecond(consumed, lastAt - consumeStarted),
      serverVersion,
    };
  } finally {
    await deleteQueues([queue], connection).catch(() => undefined);
    await connection.close().catch(() => undefined);
  }
}

/** Deletes queues (a missing one is fine) on the given connection or a fresh one. */
export async function deleteQueues(queues: readonly string[], connection?: amqp.ChannelModel): Promise<void> {
  const owned = connection ?? (await amqp.connect(RABBITMQ_URL));
  try {
    const channel = await owned.createChannel();
    channel.on('error', () => undefined);
    for (const queue of queues) await channel.deleteQueue(queue);
    await channel.close();
  } finally {
    if (!connection) await owned.close().catch(() => undefined);
  }
}
