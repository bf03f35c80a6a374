// Composition root of the management service: the operators' API over PostgreSQL, publishing replays, job
// messages and audit facts to RabbitMQ, with an outbox relay for replay requests the broker could not take
// at once, a guarded HTTP client for test pings and ownership handshakes, and background bulk replays.
import type { ServiceConfig } from '@hookway/config';
import { errorFields, type Logger } from '@hookway/logger';
import { apiKeyIsLive, findLiveApiKey, IDEMPOTENCY_KEY_PURGE_INTERVAL_MS, OutboxRelay, pingDatabase } from '@hookway/db';
import { createHttpApp, errorHandler, httpMetrics, listen, loadOpenApi, managementAuth, notFoundHandler } from '@hookway/http';
import { keepAliveAgents, SsrfGuard, WebhookClient } from '@hookway/outbound';
import {
  checkSealingKeys, connectInfrastructure, createMetricsRegistry, watchBrokerPublishes, isEntryPoint, repeatEvery, runMain, secretBoxFor, startOpsServer,
  startWith, watchUnopenable,
} from '@hookway/runtime';
import { generateApiKey, generateSigningSecret } from '@hookway/signing';
import { AuditEntryRepository } from './data-access/audit-entry.repository.js';
import { DeadLetterReplayRepository } from './data-access/dead-letter-replay.repository.js';
import { DeliveryAttemptRepository } from './data-access/delivery-attempt.repository.js';
import { DeliveryJobRepository } from './data-access/delivery-job.repository.js';
import { EventRepository } from './data-access/event.repository.js';
import { purgeExpiredIdempotencyKeys } from './data-access/idempotency-key.repository.js';
import { IntegrationRepository } from './data-access/integration.repository.js';
import { JobFactRepository } from './data-access/job-fact.repository.js';
import { OverviewRepository } from './data-access/overview.repository.js';
import { ReplayRequestRepository } from './data-access/replay-request.repository.js';
import { transactional } from './data-access/unit-of-work.js';
import { ApiKeyRepository } from './data-access/api-key.repository.js';
import { WorkspaceRepository, workspaceTransactions } from './data-access/workspace.repository.js';
import { WorkspaceService } from './domain/workspace.service.js';
import { BulkReplayService } from './domain/bulk-replay.service.js';
import { EndpointProbeService } from './domain/endpoint-probe.service.js';
import { EventViews } from './domain/event-views.js';
import { IntegrationService } from './domain/integration.service.js';
import { SourceService } from './domain/source.service.js';
import { SourceRepository } from './data-access/source.repository.js';
import { JobOperationsService } from './domain/job-operations.service.js';
import { ReplayService } from './domain/replay.service.js';
import { urlChecker } from './domain/url-check.js';
import { JobStream } from './domain/job-stream.js';
import { consoleRoutes } from './entry-points/http/console.routes.js';
import { managementApi } from './entry-points/http/router.js';
import { watchStreamClients } from './metrics.js';

export interface RunningManagement {
  port: number;
  opsPort: number;
  stop(): Promise<void>;
}

export async function start(config: ServiceConfig<'management'>, logger: Logger): Promise<RunningManagement> {
  return startWith(logger, async (resources) => {
    // The ops server opens once what it reports on is connected, but closes last: /health and /metrics
    // answer, and /ready says draining, until everything else has stopped.
    const stopOpsServerWith = resources.reserve('ops server');
    // One keep-alive pool for test pings and handshakes; the guard refuses private addresses at connect time.
    const agents = keepAliveAgents();
    resources.add('outbound agents', () => agents.destroy());
    const infrastructure = await connectInfrastructure(config, logger, 'management', { resources });
    const { db, broker } = infrastructure;
    const registry = createMetricsRegistry('management');
    watchBrokerPublishes(registry, broker);
    const openApi = loadOpenApi(new URL('../../../openapi/management.yaml', import.meta.url));

    const guard = new SsrfGuard(config.outboundAllowCidrs);
    const sender = new WebhookClient({ timeoutMs: config.deliveryTimeoutMs, agents, guard });
    const secretBox = secretBoxFor(config);
    const unopenable = watchUnopenable(db, secretBox, registry);
    // In the background: a start never waits for (or fails on) the check, with PostgreSQL down it is skipped.
    checkSealingKeys(db, secretBox, logger).catch((error: unknown) => logger.warn('could not check the sealing keys at start', errorFields(error)));
    const jobDestination = { exchange: broker.topology.exchanges.jobs, routingKey: broker.topology.jobRoutingKey };
    const inTransaction = transactional(db);

    const events = new EventRepository(db);
    const integrations = new IntegrationRepository(db);
    const jobs = new DeliveryJobRepository(db);
    const attempts = new DeliveryAttemptRepository(db);
    const replays = new ReplayService(new ReplayRequestRepository(db), broker, broker.topology.exchanges.events, logger);
    const relay = new OutboxRelay(replays.outboxSource(), {
      db,
      logger,
      name: 'replay-requests',
      intervalMs: config.outboxRelayIntervalMs,
    });
    resources.add('outbox relay', () => relay.stop());
    // Idempotency-Keys used once would stay forever: rows of closed windows go every ten minutes.
    const keyPurge = repeatEvery(IDEMPOTENCY_KEY_PURGE_INTERVAL_MS, () => purgeExpiredIdempotencyKeys(db), logger, 'Idempotency-Key purge');
    resources.add('Idempotency-Key purge', () => keyPurge.stop());
    const jobOperations = new JobOperationsService({ jobs, attempts, replays, publisher: broker, jobDestination, logger });
    const bulkReplays = new BulkReplayService({
      runs: new DeadLetterReplayRepository(db),
      jobs,
      jobOperations,
      publisher: broker,
      logger,
    });
    // Runs under way stop between batches, while the broker and the pool still serve them.
    resources.add('bulk replays', () => bulkReplays.stop());

    // Job and attempt updates for GET /stream: the job facts of the audit log, read by position (so a client
    // resumes with Last-Event-ID on any replica), and read only while a client is connected (see JobStream).
    const jobStream = new JobStream(new JobFactRepository(db), {
      pollIntervalMs: config.streamPollIntervalMs,
      resumeWindow: config.streamResumeWindow,
      onPollError: (error) => logger.warn('stream could not read the job facts; trying again', {
        error: error instanceof Error ? error.message : String(error),
      }),
    });
    resources.add('job stream', () => jobStream.idle());
    let closeStreams: () => void = () => undefined;
    watchStreamClients(registry, jobStream);

    const app = createHttpApp({ logger });
    app.use(httpMetrics(registry));
    // The operator console's built bundle, next to src/ and dist/ alike (console/dist).
    app.use('/console', consoleRoutes(new URL('../console/dist/', import.meta.url)));
    app.use('/api/v1', managementApi({
      openApi,
      health: { postgres: () => pingDatabase(db), rabbitmq: () => broker.isConnected() },
      // No ?key= here: only the SSE stream (EventSource cannot send headers) will take the key in the URL.
      auth: managementAuth({ apiKey: config.managementApiKey, jwtSecret: config.managementJwtSecret, apiKeys: (hash) => findLiveApiKey(db, hash) }),
      stream: {
        stream: jobStream,
        auth: managementAuth({ apiKey: config.managementApiKey, jwtSecret: config.managementJwtSecret, queryKeyParam: 'key', apiKeys: (hash) => findLiveApiKey(db, hash) }),
        heartbeatMs: config.streamHeartbeatMs,
        keyIsLive: (keyId) => apiKeyIsLive(db, keyId),
        retryMs: config.streamRetryMs,
        logger,
        onStop: (close) => {
          closeStreams = close;
        },
      },
      integrationService: new IntegrationService({
        inTransaction,
        integrations,
        jobs,
        attempts,
        publisher: broker,
        jobDestination,
        secretBox,
        generateSecret: generateSigningSecret,
        checkUrl: urlChecker(guard),
        rotationGraceMs: config.rotationGraceMs,
      }),
      probes: new EndpointProbeService({
        integrations,
        inTransaction,
        sender,
        openSecret: (sealed) => secretBox.open(sealed),
        publisher: broker,
      }),
      events,
      views: new EventViews(events, jobs, attempts),
      replays,
      jobs,
      jobOperations,
      bulkReplays,
      attempts,
      auditEntries: new AuditEntryRepository(db),
      sourceService: new SourceService({
        inTransaction,
        sources: new SourceRepository(db),
        publisher: broker,
        secretBox,
        // The built-in acme and globex sources verify with these while their rows hold no secret.
        builtinSecrets: new Map([['acme', config.acmeWebhookSecret], ['globex', config.globexWebhookToken]]),
        rotationGraceMs: config.rotationGraceMs,
      }),
      overview: new OverviewRepository(db),
      workspaceService: new WorkspaceService({
        inTransaction: workspaceTransactions(db),
        workspaces: new WorkspaceRepository(db),
        apiKeys: new ApiKeyRepository(db),
        publisher: broker,
        generateKey: generateApiKey,
      }),
    }));
    app.use(notFoundHandler());
    app.use(errorHandler());

    const server = await listen(app, config.managementPort);
    resources.add('HTTP server', () => server.close());
    // Open event streams never end by themselves: end them, or closing the server would wait forever.
    resources.add('event streams', () => closeStreams());
    const ops = await startOpsServer({
      port: config.opsPort,
      registry,
      readiness: infrastructure.readiness,
      report: unopenable.report,
    });
    stopOpsServerWith(() => ops.close());
    relay.start();
    // Added last so that it runs first: /ready fails, so the load balancer stops sending, before anything stops.
    resources.add('readiness', () => ops.drain());
    logger.info('management listening', { port: server.port, opsPort: ops.port });
    return { port: server.port, opsPort: ops.port };
  });
}

if (isEntryPoint(import.meta.url)) await runMain('management', start);
