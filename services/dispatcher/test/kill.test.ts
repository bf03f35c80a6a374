// The dispatcher as a real process, killed with SIGKILL in the middle of a stream of events and
// replaced by a fresh one: nothing may be lost, and at most the messages in flight (the prefetch) may
// be delivered twice. The child runs main.ts the way a deployment does, against its own database and
// broker prefix.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Broker } from '@hookway/broker';
import type { Config } from '@hookway/config';
import type { EventMessage } from '@hookway/contracts';
import { generateSigningSecret, SecretBox } from '@hookway/signing';
import {
  createTestBroker, createTestDatabase, silentLogger, startReceiver, testConfig, waitFor,
  type Receiver, type TestBroker, type TestDatabase,
  seedIntegration,
} from '@hookway/testing';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const EVENTS = 300;
const PREFETCH = 16;
const KILLS = 1;
const RETRY_SCHEDULE = '50ms,100ms';

describe('dispatcher process killed with SIGKILL mid-stream', () => {
  let database: TestDatabase;
  let queues: TestBroker;
  let config: Config;
  let broker: Broker;
  let sink: Receiver;
  const children: ChildProcess[] = [];
  const childErrors: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('dispkill');
    queues = await createTestBroker('dispkill', [50, 100]);
    config = testConfig({ databaseUrl: database.url, brokerPrefix: queues.prefix, env: { RETRY_SCHEDULE } });
    broker = await Broker.connect({
      url: config.rabbitmqUrl, prefix: config.brokerPrefix, retryScheduleMs: config.retryScheduleMs, logger: silentLogger(),
    });
    sink = await startReceiver();
    sink.reply(() => ({ status: 200, body: 'ok', delayMs: 5 }));
  });

  afterAll(async () => {
    await Promise.all(children.map((child) => stopChild(child)));
    await broker?.close();
    await queues?.cleanup();
    await database?.drop();
    await sink?.close();
  });

  const spawnDispatcher = (): ChildProcess => {
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', 'services/dispatcher/src/main.ts'], {
      cwd: REPO_ROOT,
      // Only what the service reads (and PATH): jest's own NODE_OPTIONS must not leak into the child.
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: database.url,
        BROKER_PREFIX: queues.prefix,
        RABBITMQ_URL: config.rabbitmqUrl,
        NODE_ENV: 'test',
        RETRY_SCHEDULE,
        DISPATCHER_PREFETCH: String(PREFETCH),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on('data', (chunk: Buffer) => childErrors.push(chunk.toString('utf8')));
    }
    children.push(child);
    return child;
  };

  const distinctDelivered = (): number => new Set(sink.requests.map((request) => String(request.headers['webhook-id']))).size;

  it('loses no job and delivers at most prefetch × kills twice when the process is killed and replaced', async () => {
    const secretBox = new SecretBox(config.secretEncryptionKey);
    const provider = `acme-kill-${randomUUID().slice(0, 8)}`;
    await seedIntegration(database.db, { name: 'kill test', provider, url: sink.url, secretSealed: secretBox.seal(generateSigningSecret()) });
    const eventIds = Array.from({ length: EVENTS }, () => randomUUID());
    await database.db('events').insert(eventIds.map((id) => ({
      id, provider, external_id: `ext-${id}`, type: 'order.created', occurred_at: new Date(), subject: null,
      data: JSON.stringify({ id }), status: 'pending', raw_headers: JSON.stringify({}), raw_body: '{}', published_at: new Date(),
    })));
    await Promise.all(eventIds.map((eventId) => {
      const message: EventMessage = { kind: 'event', eventId, provider, type: 'order.created' };
      return broker.publish(queues.topology.exchanges.events, `${provider}.order.created`, message, { messageId: eventId });
    }));

    const first = spawnDispatcher();
    await waitFor(() => distinctDelivered() >= EVENTS / 3, { what: 'a third of the events delivered', timeoutMs: 30_000, intervalMs: 2 });
    first.kill('SIGKILL');
    const deliveredAtKill = distinctDelivered();
    await exited(first);

    spawnDispatcher();
    const settled = async (): Promise<number> => {
      const row = (await database.db('delivery_jobs').whereIn('status', ['succeeded', 'dead']).count({ count: '*' }).first()) as { count: string };
      return Number(row.count);
    };
    await waitFor(async () => (await settled()) >= EVENTS, { what: 'every job to settle', timeoutMs: 60_000, intervalMs: 100 })
      .catch(() => undefined); // counted and asserted below, with the numbers in the message

    const succeededRows = await database.db<{ event_id: string; status: string }>('delivery_jobs').where({ status: 'succeeded' }).select('event_id');
    const succeeded = new Set(succeededRows.map((row) => row.event_id));
    const delivered = distinctDelivered();
    const duplicated = sink.requests.length - delivered;
    const lost = eventIds.filter((eventId) => !succeeded.has(eventId)).length;
    console.log(`kill-test: sent=${EVENTS} delivered=${delivered} duplicated=${duplicated} lost=${lost} (killed after ${deliveredAtKill} delivered, prefetch ${PREFETCH})`);

    expect({ lost, delivered }).toEqual({ lost: 0, delivered: EVENTS });
    expect(duplicated).toBeLessThanOrEqual(PREFETCH * KILLS);
    expect(childErrors.join('')).not.toMatch(/"level":"error"/);
  }, 120_000);
});

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** SIGTERM (a clean stop), then SIGKILL if it has not exited within 5 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await done;
  clearTimeout(timer);
}
