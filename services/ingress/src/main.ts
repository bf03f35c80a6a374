// Ingress: the public HTTP edge. Verifies and normalizes provider webhooks, takes the events workspaces
// publish themselves (workspace API keys), makes both durable in the events table (which is the outbox), and
// publishes them for the dispatcher.
import type { ServiceConfig } from '@hookway/config';
import { findLiveApiKey, IDEMPOTENCY_KEY_PURGE_INTERVAL_MS, NotificationListener, OutboxRelay, pingDatabase } from '@hookway/db';
import { createHttpApp, errorHandler, healthRoutes, httpMetrics, listen, loadOpenApi, notFoundHandler, openApiRoutes } from '@hookway/http';
import type { Logger } from '@hookway/logger';
import {
  connectInfrastructure, createMetricsRegistry, watchBrokerPublishes, isEntryPoint, repeatEvery, runMain, secretBoxFor, startOpsServer, startWith,
} from '@hookway/runtime';
import { BatchedEventStore } from './data-access/batched-event.store.js';
import { eventOutboxSource } from './data-access/event-outbox.source.js';
import { EventListingRepository } from './data-access/event-listing.repository.js';
import { EventRepository } from './data-access/event.repository.js';
import { PublishedEventStore } from './data-access/published-event.store.js';
import { publishEventMessages } from './domain/event-publisher.js';
import { SourceRepository } from './data-access/source.repository.js';
import { EventPublishing } from './domain/published-events/event-publishing.js';
import { IDEMPOTENCY_WINDOW_MS } from './domain/published-events/idempotency.js';
import { KeyRateLimits } from './domain/published-events/key-rate-limits.js';
import { builtinProviders } from './domain/providers/registry.js';
import { builtinSecrets } from './domain/sources/builtin-sources.js';
import { SourceCatalog } from './domain/sources/source-catalog.js';
import { WebhookIntake } from './domain/webhook-intake.js';
import { deliverySinkRoutes } from './entry-points/http/delivery-sink.routes.js';
import { publishRoutes } from './entry-points/http/publish.routes.js';
import { mountWebhookRoutes } from './entry-points/http/webhook.routes.js';
import { InflightBudget } from './entry-points/http/inflight-budget.js';
import { ingressMetrics, watchBacklogs } from './metrics.js';

// The relay leaves a row alone this long, so it does not race the request that is still publishing it.
const RELAY_GRACE_MS = 10_000;
const PUBLISHED_MARK_LINGER_MS = 250;

export interface IngressOptions {
  /** The clock of the Idempotency-Key window (tests move it a day forward without waiting). */
  now?: () => Date;
}

export async function start(
  config: ServiceConfig<'ingress'>,
  logger: Logger,
  { now = () => new Date() }: IngressOptions = {},
): Promise<{ stop(): Promise<void>; port: number; opsPort: number }> {
  return startWith(logger, async (resources) => {
    // The ops server opens once what it reports on is connected, but closes last: /health and /metrics
    // answer, and /ready says draining, until everything else has stopped.
    const stopOpsServerWith = resources.reserve('ops server');
    const infrastructure = await connectInfrastructure(config, logger, 'ingress', { resources, auditLingerMs: config.auditPublishLingerMs });
    const { db, broker } = infrastructure;

    const registry = createMetricsRegistry('ingress');
    watchBrokerPublishes(registry, broker);
    const metrics = ingressMetrics(registry);

    const events = new EventRepository(db);
    // The pool holds 10 connections: at most 3 insert and 2 mark statements at once leaves the rest to
    // duplicate lookups, the relay and health checks.
    const store = new BatchedEventStore(events, {
      maxBatchSize: 64,
      insertsInFlight: 3,
      marksInFlight: 2,
      // A quiet ingress marks what was confirmed in the last quarter second in one commit, not one per event;
      // the relay leaves an unmarked event alone for RELAY_GRACE_MS.
      marksLingerMs: PUBLISHED_MARK_LINGER_MS,
      onInsertBatch: (size) => metrics.insertBatchSize.observe(size),
    });
    // Queued inserts and marks are written before the pool closes; each batch is one statement.
    resources.add('event store batches', () => store.drain());
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
    const intake = new WebhookIntake({ providers: sources, events: store, broker, logger });
    const publishedEvents = new PublishedEventStore(db, events, store);
    // Publish Idempotency-Keys used once would stay forever: rows of closed windows go every ten minutes.
    const purging = repeatEvery(IDEMPOTENCY_KEY_PURGE_INTERVAL_MS, () => publishedEvents.purgeExpiredKeys(IDEMPOTENCY_WINDOW_MS), logger, 'Idempotency-Key purge');
    resources.add('Idempotency-Key purge', () => purging.stop());
    const publishing = new EventPublishing({
      store: publishedEvents,
      broker,
      logger,
      secretHeaders: () => sources.secretHeaders(),
      now,
    });
    // Publishes already under way finish (their marks queued) before the store drains.
    resources.add('webhook intake', () => intake.drain());
    resources.add('event publishing', () => publishing.drain());
    const sourceChanges = new NotificationListener({
      url: config.databaseUrl,
      channel: 'hookway_sources',
      logger,
      applicationName: 'hookway-ingress-sources',
      onNotify: () => sources.refresh(),
    });
    resources.add('source catalog', () => sources.stop());
    await sources.start();
    resources.add('source change listener', () => sourceChanges.stop());
    await sourceChanges.start();
    const relay = new OutboxRelay(
      eventOutboxSource(events, (event) => publishEventMessages(broker, event)),
      { db, logger, name: 'events', intervalMs: config.outboxRelayIntervalMs, graceMs: RELAY_GRACE_MS },
    );
    resources.add('outbox relay', () => relay.stop());

    const budget = new InflightBudget(config.ingressMaxInflightBytes, config.maxBodyBytes);
    watchBacklogs(registry, {
      insertsPending: () => store.insertsPending,
      outboxBacklog: () => events.countUnpublished(),
      inflightBytes: () => budget.inUse,
    });

    const app = createHttpApp({ logger, parseJson: false });
    app.use(httpMetrics(registry));
    // The webhook route comes first: nearly every request is one, and each router it passes costs CPU.
    mountWebhookRoutes(
      app, '/api/v1', intake, { maxBodyBytes: config.maxBodyBytes, budget },
      (provider, outcome) => metrics.webhooks.inc({ provider, outcome }),
    );
    app.use('/api/v1', publishRoutes({
      publishing,
      listing: new EventListingRepository(db),
      apiKeys: (hash) => findLiveApiKey(db, hash),
      rateLimits: new KeyRateLimits(config.ingressReplicas),
      maxBodyBytes: config.maxBodyBytes,
      budget,
    }));
    app.use('/api/v1', healthRoutes({ postgres: () => pingDatabase(db), rabbitmq: () => broker.isConnected() }));
    app.use('/api/v1', openApiRoutes(loadOpenApi(new URL('../../../openapi/ingress.yaml', import.meta.url))));
    if (config.nodeEnv !== 'production') app.use('/api/v1', deliverySinkRoutes(config.maxBodyBytes));
    app.use(notFoundHandler());
    app.use(errorHandler());

    const server = await listen(app, config.ingressPort);
    // In-flight requests finish before the relay, the sources and the intake stop.
    resources.add('HTTP server', () => server.close());
    const ops = await startOpsServer({
      port: config.opsPort,
      registry,
      readiness: infrastructure.readiness,
    });
    stopOpsServerWith(() => ops.close());
    relay.start();
    // Added last so that it runs first: /ready fails, so the load balancer stops sending, before anything stops.
    resources.add('readiness', () => ops.drain());
    logger.info('ingress listening', { port: server.port, opsPort: ops.port });
    return { port: server.port, opsPort: ops.port };
  });
}

if (isEntryPoint(import.meta.url)) await runMain('ingress', start);
