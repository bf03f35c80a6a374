// The fault suite's harness: the four real services as child processes on this machine's PostgreSQL
// and RabbitMQ, a real receiver, a sender of signed webhooks, and the accounting RabbitMQ's Jepsen
// tests use: sent, accepted (2xx from ingress), delivered (seen by the receiver), duplicated, lost
// (accepted, never delivered), unexpected (delivered, never accepted).
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Config } from '@hookway/config';
import { generateSigningSecret, hmacSha256Hex, SecretBox } from '@hookway/signing';
import {
  createTestBroker, createTestDatabase, startReceiver, testConfig, waitFor,
  type Receiver, type TestBroker, type TestDatabase,
  seedIntegration, type IntegrationSeed,
} from '@hookway/testing';

export const SERVICES = ['audit', 'dispatcher', 'ingress', 'management'] as const;
export type ServiceName = (typeof SERVICES)[number];

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Accounting {
  sent: number;
  accepted: number;
  delivered: number;
  duplicated: number;
  lost: number;
  unexpected: number;
}

/** What a scenario may change about the suite it starts; everything else stays as every scenario has it. */
export interface SuiteOptions {
  /** Columns of the suite's integration beyond the defaults, e.g. `{ ordering: 'subject' }`. */
  integration?: Partial<IntegrationSeed>;
  /** A receiver of the scenario's own in place of the recording one; its `requests` are what the accounting counts, and stop() closes it. */
  receiver?: Receiver;
}

/** Fields of an acme webhook a scenario sets itself; `data` is merged into the default data. */
export interface AcmeFields {
  subject?: string;
  data?: Record<string, unknown>;
}

export interface SendResult {
  externalId: string;
  status: number;
  eventId?: string;
  error?: string;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export class Suite {
  readonly logs: string[] = [];
  readonly results: SendResult[] = [];
  private readonly processes = new Map<ServiceName, ChildProcess>();
  private env: Record<string, string>;
  /** Every restart of a service, for the report. */
  readonly restarts: Record<ServiceName, number> = { audit: 0, dispatcher: 0, ingress: 0, management: 0 };

  private constructor(
    readonly label: string,
    readonly database: TestDatabase,
    readonly broker: TestBroker,
    readonly receiver: Receiver,
    readonly config: Config,
    readonly signingSecret: string,
    readonly ports: { ingress: number; management: number; ops: Record<ServiceName, number> },
    extraEnv: Record<string, string>,
  ) {
    this.env = {
      ...process.env as Record<string, string>,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: database.url,
      BROKER_PREFIX: broker.prefix,
      RETRY_SCHEDULE: '200ms,500ms,1s,2s',
      OUTBOX_RELAY_INTERVAL: '200ms',
      DELIVERY_TIMEOUT: '2s',
      DISPATCHER_PREFETCH: '16',
      INGRESS_PORT: String(ports.ingress),
      MANAGEMENT_PORT: String(ports.management),
      ...extraEnv,
    };
  }

  static async start(label: string, extraEnv: Record<string, string> = {}, options: SuiteOptions = {}): Promise<Suite> {
    const database = await createTestDatabase(label);
    const broker = await createTestBroker(label, [200, 500, 1_000, 2_000]);
    const receiver = options.receiver ?? await startReceiver();
    const config = testConfig({ databaseUrl: database.url, brokerPrefix: broker.prefix });
    const signingSecret = generateSigningSecret();
    await seedIntegration(database.db, {
      name: `${label} receiver`,
      url: `${receiver.url}/hooks`,
      secretSealed: new SecretBox(config.secretEncryptionKey).seal(signingSecret),
      ...options.integration,
    });
    // A free port is only free until someone takes it: on a busy machine an outgoing connection can be given
    // the same ephemeral port before the service listens. Such a start is tried again on new ports.
    for (let attempt = 1; ; attempt += 1) {
      const ops = { audit: await freePort(), dispatcher: await freePort(), ingress: await freePort(), management: await freePort() };
      const suite = new Suite(label, database, broker, receiver, config, signingSecret,
        { ingress: await freePort(), management: await freePort(), ops }, extraEnv);
      try {
        for (const service of SERVICES) await suite.startService(service);
        return suite;
      } catch (error) {
        for (const name of SERVICES) await suite.kill(name).catch(() => undefined);
        if (attempt >= 3 || !(error instanceof Error) || !error.message.includes('EADDRINUSE')) throw error;
      }
    }
  }

  get ingressUrl(): string {
    return `http://127.0.0.1:${this.ports.ingress}`;
  }

  get managementUrl(): string {
    return `http://127.0.0.1:${this.ports.management}`;
  }

  async startService(name: ServiceName): Promise<void> {
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', `services/${name}/src/main.ts`], {
      cwd: ROOT,
      env: { ...this.env, OPS_PORT: String(this.ports.ops[name]) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.processes.set(name, child);
    let started = false;
    const collect = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      this.logs.push(...text.split('\n').filter(Boolean).map((line) => `${name}: ${line}`));
      if (text.includes('"message":"started"')) started = true;
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    await waitFor(() => started || child.exitCode !== null, { timeoutMs: 30_000, what: `${name} to start` });
    if (!started) throw new Error(`${name} exited during start-up:\n${this.logs.filter((line) => line.startsWith(name)).slice(-20).join('\n')}`);
  }

  /** Kills a service (SIGKILL by default: no clean-up runs) and waits until it is gone. */
  async kill(name: ServiceName, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    const child = this.processes.get(name);
    if (!child || child.exitCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    const code = await exited;
    this.processes.delete(name);
    return code;
  }

  /** Changes the environment of services started from now on (an operator's configuration change). */
  setEnv(changes: Record<string, string | undefined>): void {
    const env = { ...this.env };
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
    this.env = env;
  }

  async restart(name: ServiceName): Promise<void> {
    await this.kill(name);
    this.restarts[name] += 1;
    await this.startService(name);
  }

  isRunning(name: ServiceName): boolean {
    const child = this.processes.get(name);
    return child !== undefined && child.exitCode === null;
  }

  /** One signed acme webhook; never throws (network errors are results too). */
  async sendOne(externalId = `evt_${randomUUID()}`, timeoutMs = 10_000, fields: AcmeFields = {}): Promise<SendResult> {
    const body = JSON.stringify({
      eventId: externalId,
      eventType: 'order.created',
      occurredAt: new Date().toISOString(),
      subject: fields.subject ?? 'order/fault',
      data: { externalId, padding: 'x'.repeat(200), ...fields.data },
    });
    try {
      const response = await fetch(`${this.ingressUrl}/api/v1/webhooks/acme`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-acme-signature': `sha256=${hmacSha256Hex(this.config.acmeWebhookSecret, body)}` },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const payload = (await response.json().catch(() => ({}))) as { data?: { eventId?: string } };
      const result: SendResult = { externalId, status: response.status, ...(payload.data?.eventId ? { eventId: payload.data.eventId } : {}) };
      this.results.push(result);
      return result;
    } catch (error) {
      const result: SendResult = { externalId, status: 0, error: error instanceof Error ? error.name : 'error' };
      this.results.push(result);
      return result;
    }
  }

  /** Sends `count` webhooks, `concurrency` at a time; `during(i)` runs after each send is started. */
  async send(count: number, concurrency = 16, during?: (index: number) => Promise<void> | void): Promise<SendResult[]> {
    const results: SendResult[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < count) {
        const index = next++;
        const result = await this.sendOne();
        results.push(result);
        // A refused connection (service down) answers at once: pause, like a provider's retry would.
        if (result.status === 0) await new Promise((resolve) => setTimeout(resolve, 50));
        await during?.(index);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return results;
  }

  acceptedIds(): Set<string> {
    return new Set(this.results.filter((result) => result.status >= 200 && result.status < 300 && result.eventId).map((result) => result.eventId as string));
  }

  /** Deliveries per event id, as the receiver saw them. */
  receipts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const request of this.receiver.requests) {
      const id = request.headers['webhook-id'];
      if (typeof id === 'string') counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  }

  /** Waits until every accepted event reached the receiver (or the time is up), then counts. */
  async settle(timeoutMs = 60_000, extraAccepted: Iterable<string> = []): Promise<Accounting> {
    const accepted = new Set([...this.acceptedIds(), ...extraAccepted]);
    await waitFor(() => [...accepted].every((id) => this.receipts().has(id)), { timeoutMs, what: 'every accepted event to be delivered' })
      .catch(() => undefined);
    return this.account(accepted);
  }

  /**
   * Jobs not succeeded, once there are none, or as many as remain after `timeoutMs`: the receiver has a
   * delivery a moment before the dispatcher records its answer, so a count taken right after settle() races it.
   */
  async unfinishedJobs(timeoutMs = 30_000): Promise<number> {
    const count = async (): Promise<number> => Number((await this.database.db('delivery_jobs').whereNot({ status: 'succeeded' })
      .count<{ count: number }[]>({ count: '*' }))[0]?.count);
    await waitFor(async () => (await count()) === 0, { timeoutMs, what: 'every job to succeed' }).catch(() => undefined);
    return count();
  }

  account(accepted: Set<string> = this.acceptedIds()): Accounting {
    const receipts = this.receipts();
    let duplicated = 0;
    for (const count of receipts.values()) duplicated += count - 1;
    return {
      sent: this.results.length,
      accepted: accepted.size,
      delivered: [...accepted].filter((id) => receipts.has(id)).length,
      duplicated,
      lost: [...accepted].filter((id) => !receipts.has(id)).length,
      unexpected: [...receipts.keys()].filter((id) => !accepted.has(id)).length,
    };
  }

  /** Secrets that must never appear in a log line or an audit entry. */
  secrets(): string[] {
    return [this.signingSecret, this.config.acmeWebhookSecret, this.config.globexWebhookToken, this.config.managementApiKey,
      this.config.managementJwtSecret, this.config.secretEncryptionKey];
  }

  async stop(): Promise<void> {
    for (const name of SERVICES) await this.kill(name, 'SIGTERM').catch(() => undefined);
    for (const name of SERVICES) await this.kill(name, 'SIGKILL').catch(() => undefined);
    await this.receiver.close();
    await this.broker.cleanup().catch(() => undefined);
    await this.database.drop();
  }
}

export function report(scenario: string, accounting: Accounting, extra: Record<string, number | string> = {}): void {
  const fields = { ...accounting, ...extra };
  const line = `| ${scenario} | ${Object.entries(fields).map(([key, value]) => `${key}=${value}`).join(' ')} |`;
  process.stdout.write(`fault-table ${line}\n`);
  // scripts/test.sh prints the collected table at the end of the run.
  if (process.env.FAULT_REPORT_FILE) appendFileSync(process.env.FAULT_REPORT_FILE, `${line}\n`);
}
