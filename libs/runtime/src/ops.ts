// The operations endpoint every service exposes on its own port (OPS_PORT), apart from the API:
// /metrics for Prometheus, /health for liveness (the process answers; dependencies are not consulted,
// so an outage does not restart every pod), /ready for readiness (dependencies answer, topology
// declared, migrations current; 503 while draining for shutdown).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import type { Broker } from '@hookway/broker';

export type ReadinessCheck = () => Promise<unknown> | boolean;

export interface OpsServer {
  registry: Registry;
  port: number;
  /** From now on /ready answers 503, so load balancers stop sending work before shutdown. */
  drain(): void;
  close(): Promise<void>;
}

export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** What `work` gives, or `fallback` when it fails or takes longer than `timeoutMs`. */
async function within<T>(work: () => Promise<T> | T, timeoutMs: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(work).catch(() => fallback),
      new Promise<T>((resolve) => {
        timer = setTimeout(() => resolve(fallback), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Asks every dependency at once whether it answers: a check is up when it resolves to anything but
 * `false` within `timeoutMs`, down when it returns false, throws or takes longer. /ready here and the
 * HTTP services' GET /health both judge their dependencies with it.
 */
export async function checkDependencies(checks: Record<string, ReadinessCheck>, timeoutMs: number): Promise<Record<string, boolean>> {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((name) => within(async () => (await checks[name]!()) !== false, timeoutMs, false)));
  return Object.fromEntries(names.map((name, index) => [name, results[index]!]));
}

export async function startOpsServer(options: {
  port: number;
  registry: Registry;
  readiness: Record<string, ReadinessCheck>;
  /** Figures /ready reports beside its checks without being judged by them (e.g. integrations_unopenable). */
  report?: () => Promise<Record<string, number>>;
  timeoutMs?: number;
}): Promise<OpsServer> {
  const { registry, readiness, report, timeoutMs = 1_000 } = options;
  let draining = false;
  const json = (status: number, body: unknown): [number, string] => [status, JSON.stringify(body)];

  const server: Server = createServer((req, res) => {
    const respond = ([status, body]: [number, string], type = 'application/json'): void => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') return respond(json(405, { status: 'method not allowed' }));
    if (path === '/health') return respond(json(200, { status: 'ok' }));
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => respond([200, text], registry.contentType),
        () => respond(json(500, { status: 'metrics unavailable' })),
      );
      return;
    }
    if (path === '/ready') {
      const figures = report ? within(report, timeoutMs, {}) : Promise.resolve({});
      Promise.all([checkDependencies(readiness, timeoutMs), figures]).then(([results, reported]) => {
        const checks = Object.fromEntries(Object.entries(results).map(([name, up]) => [name, up ? 'up' : 'down']));
        const ready = !draining && Object.values(results).every(Boolean);
        respond(json(ready ? 200 : 503, { status: draining ? 'draining' : ready ? 'ready' : 'not ready', checks, ...reported }));
      }, () => respond(json(503, { status: 'not ready' })));
      return;
    }
    respond(json(404, { status: 'not found' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '0.0.0.0', () => resolve());
  });
  return {
    registry,
    port: (server.address() as AddressInfo).port,
    drain: () => {
      draining = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** hookway_broker_messages_confirmed_total{exchange}: what this process published, counted when RabbitMQ confirmed it. */
export function watchBrokerPublishes(registry: Registry, broker: Pick<Broker, 'confirmedByExchange'>): void {
  new Counter({
    name: 'hookway_broker_messages_confirmed_total',
    help: 'Messages this process published that RabbitMQ confirmed, by exchange',
    labelNames: ['exchange'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [exchange, count] of broker.confirmedByExchange) this.inc({ exchange }, count);
    },
  });
}
