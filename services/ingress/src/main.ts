// Ingress: the public HTTP edge. Verifies and normalizes provider webhooks, makes them durable in the
// events table (which is the outbox), and publishes them for the dispatcher.
import type { ServiceConfig } from '@hookway/config';
import { NotificationListener, OutboxRelay, pingDatabase } from '@hookway/db';
import { createHttpApp, errorHandler, healthRoutes, httpMetrics, listen, loadOpenApi, notFoundHandler, openApiRoutes } from '@hookway/http';
import type { Logger } from '@hookway/logger';
import { connectInfrastructure, createMetricsRegistry, isEntryPoint, runMain, secretBoxFor, startOpsServer } from '@hookway/runtime';
import { Counter, Gauge, Histogram } from 'prom-client';
import { BatchedEventStore } from './data-access/batched-event.store.js';
import { eventOutboxSource } from './data-access/event-outbox.source.js';
import { EventRepository } from './data-access/event.repository.js';
import { publishEventMessages } from './domain/event-publisher.js';
import { SourceRepository } from './data-access/source.repository.js';
import { builtinProviders } from './domain/providers/registry.js';
import { builtinSecrets } from './domain/sources/builtin-sources.js';
import { SourceCatalog } from './domain/sources/source-catalog.js';
import { WebhookIntake } from './domain/webhook-intake.js';
import { deliverySinkRoutes } from './entry-points/http/delivery-sink.routes.js';
import { mountWebhookRoutes } from './entry-points/http/webhook.routes.js';
import { InflightBudget } from './entry-points/http/inflight-budget.js';

// The relay leaves a row alone this long, so it does not race the request that is still publishing it.
const RELAY_GRACE_MS = 10_000;

export async function start(config: ServiceConfig<'ingress'>, logger: Logger): Promise<{ stop(): Promise<void>; port: number; opsPort: number }> {
  const infrastructure = await connectInfrastructure(config, logger, 'ingress');
  const { db, broker } = infrastructure;

  const registry = createMetricsRegistry('ingress');
  const insertBatchSize = new Histogram({
    name: 'hookway_ingress_insert_batch_size',
    help: 'Webhooks made durable by one INSERT statement (group commit)',
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [registry],
  });

  const events = new EventRepository(db);
  // The pool holds 10 connections: at most 3 insert and 2 mark statements at once leaves the rest to
  // duplicate lookups, the relay and health checks.
  const store = new BatchedEventStore(events, {
    maxBatchSize: 64,
    insertsInFlight: 3,
    marksInFlight: 2,
    onInsertBatch: (size) => insertBatchSize.observe(size),
  });
  // Sources live in memory; PostgreSQL's NOTIFY at commit (migration 007's trigger) asks for a reload, and the
  // refresh interval bounds how long a missed notification can leave a replica behind.
  const secretBox = secretBoxFor(config);
  const sources = new SourceCatalog({
    reader: new SourceRepository(db),
    openSecret: (sealed) => secretBox.open(sealed),
    builtinSecrets: builtinSecrets(config),
    replicas: config.ingressReplicas,
    refreshIntervalMs: config.sourceRefreshIntervalMs,
    logger,
    fallback: builtinProviders(config),
  });
  const sourceChanges = new NotificationListener({
    url: config.databaseUrl,
    channel: 'hookway_sources',
    logger,
    applicationName: 'hookway-ingress-sources',
    onNotify: () => sources.refresh(),
  });
  await sources.start();
  await sourceChanges.start();
  new Gauge({
    name: 'hookway_ingress_inserts_pending',
    help: 'Accepted webhooks waiting for their INSERT (queued for a statement, or in one under way)',
    registers: [registry],
    collect: function collect(this: Gauge) {
      this.set(store.insertsPending);
    },
  });
  const intake = new WebhookIntake({ providers: sources, events: store, broker, logger });
  const relay = new OutboxRelay(
    eventOutboxSource(events, (event) => publishEventMessages(broker, event)),
    { db, logger, name: 'events', intervalMs: config.outboxRelayIntervalMs, graceMs: RELAY_GRACE_MS },
  );

  const webhooks = new Counter({
    name: 'hookway_webhooks_total',
    help: 'Webhooks received, by provider and outcome (accepted, duplicate, or the error code)',
    labelNames: ['provider', 'outcome'],
    registers: [registry],
  });
  new Gauge({
    name: 'hookway_outbox_backlog',
    help: 'Accepted events not yet confirmed by the broker',
    registers: [registry],
    collect: async function collect(this: Gauge) {
      this.set(await events.countUnpublished());
    },
  });

  const budget = new InflightBudget(config.ingressMaxInflightBytes, config.maxBodyBytes);
  new Gauge({
    name: 'hookway_ingress_inflight_bytes',
    help: 'Body bytes of the webhooks in hand (INGRESS_MAX_INFLIGHT_BYTES bounds it; beyond, 503)',
    registers: [registry],
    collect: function collect(this: Gauge) {
      this.set(budget.inUse);
    },
  });

  const app = createHttpApp({ logger, parseJson: false });
  app.use(httpMetrics(registry));
  // The webhook route comes first: nearly every request is one, and each router it passes costs CPU.
  mountWebhookRoutes(
    app, '/api/v1', intake, { maxBodyBytes: config.maxBodyBytes, budget },
    (provider, outcome) => webhooks.inc({ provider, outcome }),
  );
  app.use('/api/v1', healthRoutes({ postgres: () => pingDatabase(db), rabbitmq: () => broker.isConnected() }));
  app.use('/api/v1', openApiRoutes(loadOpenApi(new URL('../../../openapi/ingress.yaml', import.meta.url))));
  if (config.nodeEnv !== 'production') app.use('/api/v1', deliverySinkRoutes(config.maxBodyBytes));
  app.use(notFoundHandler());
  app.use(errorHandler());

  const server = await listen(app, config.ingressPort);
  const ops = await startOpsServer({
    port: config.opsPort,
    registry,
    readiness: infrastructure.readiness,
  });
  relay.start();
  logger.info('ingress listening', { port: server.port, opsPort: ops.port });

  return {
    port: server.port,
    opsPort: ops.port,
    stop: async () => {
      // Readiness fails first so the load balancer stops sending; in-flight requests finish; then the rest.
      ops.drain();
      await server.close();
      await relay.stop();
      await sourceChanges.stop();
      await sources.stop();
      await intake.drain();
      // Queued inserts and marks are written before the pool closes; each batch is one statement.
      await store.drain();
      await infrastructure.close();
      await ops.close();
    },
  };
}

if (isEntryPoint(import.meta.url)) await runMain('ingress', start);
