// Hookway as production runs it: the built JavaScript (services/*/dist/main.js) under plain `node`, four
// child processes with NODE_ENV=production and every secret in the environment, a fresh migrated
// database, a broker prefix of its own, random free ports, and one acme integration that delivers to the
// benchmark's receiver. Everything started here is undone by the clean-up.
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import { parseDurationList } from '@hookway/config';
import { generateSigningSecret, SecretBox } from '@hookway/signing';
import { createTestBroker, createTestDatabase, type TestDatabase } from '@hookway/testing';
import type { Cleanup } from './cleanup.js';
import { repoRoot, terminate } from './child.js';
import { RABBITMQ_URL } from './machine-limits.js';
import type { Backend, QueueDepth } from './sampler.js';
import { pollUntil } from './time.js';

export const SERVICES = ['audit', 'dispatcher', 'ingress', 'management'] as const;
export type ServiceName = (typeof SERVICES)[number];

// The production default, spelled out so the harness knows which retry queues exist.
const RETRY_SCHEDULE = '5s,30s,2m,10m,30m,1h,2h,4h,8h,12h';

export interface ServiceProcess {
  name: ServiceName;
  pid: number;
  child: ChildProcess;
  logFile: string;
  /** Its operations endpoint (/metrics). */
  opsPort: number;
}

export interface DatabaseWork {
  commits: number;
  rollbacks: number;
  rowsFetched: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
  /** Messages RabbitMQ confirmed to the services (hookway_broker_messages_confirmed_total, summed). */
  messages: number;
}

export interface Suite {
  ingressUrl: string;
  managementUrl: string;
  prefix: string;
  database: TestDatabase;
  acmeSecret: string;
  integrationId: string;
  services: ServiceProcess[];
  logDir: string;
  depth(): Promise<QueueDepth>;
  /** The PostgreSQL backends serving the services (by application_name). */
  backends(): Promise<Backend[]>;
  /** Cumulative work PostgreSQL did for the suite's database (pg_stat_database). */
  databaseWork(): Promise<DatabaseWork>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function secret(): string {
  return randomBytes(24).toString('hex');
}

function logTail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export async function startSuite(
  cleanup: Cleanup,
  { receiverUrl, signal, profileDir, filter, ordering }: {
    receiverUrl: string; signal: AbortSignal; profileDir?: string; filter?: Record<string, unknown>; ordering?: 'subject';
  },
): Promise<Suite> {
  for (const service of SERVICES) {
    const entry = join(repoRoot, 'services', service, 'dist', 'main.js');
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`pnpm run build\` first`);
  }

  const database = await createTestDatabase('bench');
  cleanup.add(`drop database ${database.name}`, () => database.drop());
  const broker = await createTestBroker('bench', parseDurationList(RETRY_SCHEDULE));
  cleanup.add(`delete queues and exchanges of ${broker.prefix}`, () => broker.cleanup());

  const acmeSecret = secret();
  const encryptionKey = secret();
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    DATABASE_URL: database.url,
    RABBITMQ_URL,
    BROKER_PREFIX: broker.prefix,
    INGRESS_PORT: String(await freePort()),
    MANAGEMENT_PORT: String(await freePort()),
    ACME_WEBHOOK_SECRET: acmeSecret,
    GLOBEX_WEBHOOK_TOKEN: secret(),
    MANAGEMENT_API_KEY: secret(),
    MANAGEMENT_JWT_SECRET: secret(),
    SECRET_ENCRYPTION_KEY: encryptionKey,
    OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
    RETRY_SCHEDULE,
    ...(process.env.BENCH_LOG_LEVEL ? { LOG_LEVEL: process.env.BENCH_LOG_LEVEL } : {}),
  };

  const [integration] = await database
    .db('integrations')
    .insert({
      name: 'bench receiver',
      provider: 'acme',
      url: `${receiverUrl}/hooks`,
      event_types: JSON.stringify(['*']),
      headers: JSON.stringify({}),
      description: 'benchmark: every acme event to the local receiver',
      filter: filter ? JSON.stringify(filter) : null,
      ...(ordering ? { ordering } : {}),
      secret_sealed: new SecretBox(encryptionKey).seal(generateSigningSecret()),
    })
    .returning<{ id: string }[]>('id');

  // Readiness and queue depth go through a connection of the harness's own.
  const connection = await amqp.connect(RABBITMQ_URL);
  cleanup.add('close the harness rabbitmq connection', () => connection.close().catch(() => undefined));
  let channel: amqp.Channel | undefined;
  const queueState = async (queue: string): Promise<{ messageCount: number; consumerCount: number }> => {
    if (!channel) {
      channel = await connection.createChannel();
      channel.on('error', () => undefined);
      channel.on('close', () => (channel = undefined));
    }
    return channel.checkQueue(queue);
  };
  const { queues } = broker.topology;
  const depth = async (): Promise<QueueDepth> => ({
    events: (await queueState(queues.events)).messageCount,
    jobs: (await queueState(queues.jobs)).messageCount,
    audit: (await queueState(queues.audit)).messageCount,
  });

  const logDir = mkdtempSync(join(tmpdir(), 'hookway-bench-'));
  // The services run with the node flags of the container image, not with the harness's own.
  const baseEnv = { ...process.env, NODE_OPTIONS: imageNodeOptions() };
  const services: ServiceProcess[] = [];
  const exits = new Map<ServiceName, string>();
  for (const name of SERVICES) {
    const logFile = join(logDir, `${name}.log`);
    const fd = openSync(logFile, 'a');
    const profile = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
    const opsPort = await freePort();
    const child = spawn(process.execPath, [...profile, join('services', name, 'dist', 'main.js')], {
      cwd: repoRoot,
      // Each service also serves its operations endpoint (health, metrics) on a port of its own.
      env: { ...baseEnv, ...env, OPS_PORT: String(opsPort) },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    cleanup.add(`stop ${name} (pid ${child.pid ?? '?'})`, () => terminate(child, 15_000));
    child.once('exit', (code, exitSignal) => exits.set(name, String(exitSignal ?? code)));
    if (child.pid === undefined) throw new Error(`${name} could not be started`);
    services.push({ name, pid: child.pid, child, logFile, opsPort });
  }

  let stopping = false;
  cleanup.add('note that the services are being stopped', async () => {
    stopping = true;
  });

  const ingressUrl = `http://127.0.0.1:${env.INGRESS_PORT ?? ''}`;
  const managementUrl = `http://127.0.0.1:${env.MANAGEMENT_PORT ?? ''}`;
  const healthy = async (url: string): Promise<boolean> => {
    try {
      return (await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(2_000) })).status === 200;
    } catch {
      return false;
    }
  };
  const consuming = async (queue: string): Promise<boolean> => {
    try {
      return (await queueState(queue)).consumerCount > 0;
    } catch {
      return false;
    }
  };
  const ready = await pollUntil(
    async () => {
      if (exits.size > 0) return true;
      return (await healthy(ingressUrl)) && (await healthy(managementUrl)) &&
        (await consuming(queues.events)) && (await consuming(queues.jobs)) && (await consuming(queues.audit));
    },
    { limitMs: 30_000, intervalMs: 200, signal },
  );
  if (exits.size > 0 || !ready) {
    const detail = services
      .map((service) => `--- ${service.name}${exits.has(service.name) ? ` exited (${exits.get(service.name)})` : ''}\n${logTail(service.logFile)}`)
      .join('\n');
    throw new Error(`the services did not become ready within 30 s\n${detail}`);
  }
  for (const service of services) {
    service.child.once('exit', (code, exitSignal) => {
      if (!stopping && !signal.aborted) process.stderr.write(`bench: ${service.name} exited during the run (${exitSignal ?? code})\n${logTail(service.logFile)}\n`);
    });
  }

  return {
    ingressUrl,
    managementUrl,
    prefix: broker.prefix,
    database,
    acmeSecret,
    integrationId: integration?.id ?? '',
    services,
    logDir,
    depth,
    backends: () =>
      database.db('pg_stat_activity')
        .where({ datname: database.name })
        .andWhereLike('application_name', 'hookway-%')
        .select<Backend[]>('pid', { application: 'application_name' }),
    databaseWork: async () => {
      // The statistics collector lags by up to a second; the harness reads this after each phase's backlog.
      const row = await database.db('pg_stat_database')
        .where({ datname: database.name })
        .first<Record<keyof DatabaseWork, number>>(
          database.db.raw('xact_commit::float8 AS "commits"'), database.db.raw('xact_rollback::float8 AS "rollbacks"'),
          database.db.raw('tup_fetched::float8 AS "rowsFetched"'), database.db.raw('tup_inserted::float8 AS "rowsInserted"'),
          database.db.raw('tup_updated::float8 AS "rowsUpdated"'), database.db.raw('tup_deleted::float8 AS "rowsDeleted"'),
        );
      return { ...row, messages: await confirmedMessages(services) };
    },
  };
}

/** The messages every service has had confirmed so far, from their /metrics. */
async function confirmedMessages(services: readonly ServiceProcess[]): Promise<number> {
  const counts = await Promise.all(services.map(async ({ opsPort }) => {
    const text = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
    return [...text.matchAll(/^hookway_broker_messages_confirmed_total\{[^}]*\} (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  }));
  return counts.reduce((sum, count) => sum + count, 0);
}

/** Removes the service logs (kept when the run failed, so they can be read). */
export function removeLogs(suite: Suite): void {
  rmSync(suite.logDir, { recursive: true, force: true });
}

/** NODE_OPTIONS as the Dockerfile sets it for every service (heap sizing), so the bench measures what is deployed. */
export function imageNodeOptions(): string {
  const match = /^ENV NODE_OPTIONS="([^"]*)"$/m.exec(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'));
  return match?.[1] ?? '';
}
