// Composition root of the dispatcher: two queue consumers (fan-out and delivery), no HTTP server yet.
// Retries need no consumer of their own: the retry tiers dead-letter back into the jobs queue.
import type { ServiceConfig } from '@hookway/config';
import type { ConsumeHandler } from '@hookway/broker';
import { errorFields, type Logger } from '@hookway/logger';
import {
  checkSealingKeys, connectInfrastructure, createMetricsRegistry, watchBrokerPublishes, isEntryPoint, repeatEvery, runMain,
  secretBoxFor, startOpsServer, startWith, watchUnopenable,
} from '@hookway/runtime';
import { EventRepository } from './data-access/event.repository.js';
import { IntegrationRepository } from './data-access/integration.repository.js';
import { BatchedJobStore } from './data-access/batched-job.store.js';
import { JobRepository } from './data-access/job.repository.js';
import { PacingRepository } from './data-access/pacing.repository.js';
import { ReplayRequestRepository } from './data-access/replay-request.repository.js';
import { StrandedJobRepository } from './data-access/stranded-job.repository.js';
import { parseRetryAfter } from './domain/delivery-outcome.js';
import { DeliveryPacer } from './domain/rate-limiter.js';
import { FanOut } from './domain/fan-out.js';
import { JobDelivery } from './domain/job-delivery.js';
import { JobSweeper } from './domain/job-sweeper.js';
import { RetryPolicy } from './domain/retry-policy.js';
import { dispatcherMetrics, watchQueueDepths } from './metrics.js';
import { claimedAttempt, deliverJobConsumer, pacedAttempt } from './entry-points/queue/deliver-job.consumer.js';
import { FirstAttempts } from './domain/first-attempts.js';
import { batchedFanOut, fanOutConsumer } from './entry-points/queue/fan-out.consumer.js';
import { BrokerDispatchPublisher } from './outbound/dispatch-publisher.js';
import { cachedOpener } from './outbound/opened-secrets.js';
import { BrokerPacingPublisher } from './outbound/pacing-publisher.js';
import { keepAliveAgents, SsrfGuard, WebhookClient } from '@hookway/outbound';

export async function start(config: ServiceConfig<'dispatcher'>, logger: Logger): Promise<{ stop(): Promise<void>; opsPort: number }> {
  return startWith(logger, async (resources) => {
    // The ops server opens once what it reports on is connected, but closes last: /health and /metrics
    // answer, and /ready says draining, until everything else has stopped.
    const stopOpsServerWith = resources.reserve('ops server');
    // One keep-alive pool per process: subscribers receive many requests in a row. Its sockets go once
    // the deliveries that used them are done and the broker and the pool are closed.
    const agents = keepAliveAgents();
    resources.add('delivery agents', () => agents.destroy());
    const infrastructure = await connectInfrastructure(config, logger, 'dispatcher', { resources, auditLingerMs: config.auditPublishLingerMs });
    const { db, broker } = infrastructure;

    const secretBox = secretBoxFor(config);
    // In the background: a start never waits for (or fails on) the check, with PostgreSQL down it is skipped.
    checkSealingKeys(db, secretBox, logger).catch((error: unknown) => logger.warn('could not check the sealing keys at start', errorFields(error)));
    const events = new EventRepository(db);
    const integrations = new IntegrationRepository(db);
    const publisher = new BrokerDispatchPublisher(broker);
    const retryPolicy = new RetryPolicy(config.retryScheduleMs);

    const registry = createMetricsRegistry('dispatcher');
    watchBrokerPublishes(registry, broker);
    const unopenable = watchUnopenable(db, secretBox, registry);
    const metrics = dispatcherMetrics(registry);
    watchQueueDepths(registry, broker);

    // Messages that arrive together share their statements. A batch is at most one prefetch window, and
    // two batches of each kind run at once: with the pool's 10 connections, claims, records and fan-outs
    // never wait for a connection behind each other.
    const maxBatchSize = config.dispatcherPrefetch;
    const jobs = new BatchedJobStore(new JobRepository(db), {
      maxBatchSize,
      batchesInFlight: 2,
      onRecordBatch: (size) => metrics.batchSize.observe({ work: 'record' }, size),
    });
    const pacingPublisher = new BrokerPacingPublisher(broker);
    const pacer = new DeliveryPacer({
      store: new PacingRepository(db),
      publisher: pacingPublisher,
      tiersMs: pacingPublisher.tiersMs,
      onDeferred: (reason) => metrics.paced.inc({ reason }),
    });
    /** A 429 with retry-after holds every delivery of the integration, on every replica, that long. */
    const honourTooManyRequests = (integrationId: string, headers: Record<string, unknown> | null): void => {
      const value = headers?.['retry-after'];
      const retryAfterMs = parseRetryAfter(typeof value === 'string' ? value : undefined, Date.now());
      if (retryAfterMs === undefined) return;
      pacer.pause(integrationId, retryAfterMs).catch((error: unknown) => {
        logger.warn('could not record a receiver\'s retry-after', { integrationId, error: error instanceof Error ? error.message : String(error) });
      });
    };
    const delivery = new JobDelivery({
      jobs,
      integrations,
      publisher,
      sender: new WebhookClient({ timeoutMs: config.deliveryTimeoutMs, agents, guard: new SsrfGuard(config.outboundAllowCidrs) }),
      retryPolicy,
      circuitBreakerThreshold: config.circuitBreakerThreshold,
      openSecret: cachedOpener((sealed) => secretBox.open(sealed)),
      onUnopenable: () => unopenable.invalidate(),
      onAttempt: (attempt, jobStatus) => {
        metrics.attempts.inc({ outcome: attempt.status, job_status: jobStatus });
        metrics.latency.observe({ outcome: attempt.status }, attempt.latencyMs / 1000);
        if (attempt.statusCode === 429) honourTooManyRequests(attempt.integrationId, attempt.responseHeaders);
      },
    });

    const attempt = pacedAttempt(delivery, logger, pacer);
    // Attempts in flight per replica stay DISPATCHER_PREFETCH in all: half for first attempts started here
    // (their event messages stay unacked meanwhile: half the events window at most), half for job messages.
    const firstAttemptSlots = config.dispatcherFirstAttempt === 'inline' ? Math.floor(config.dispatcherPrefetch / 2) : 0;
    const firstAttempts = firstAttemptSlots > 0
      ? new FirstAttempts({
        attempt,
        attemptClaimed: claimedAttempt(delivery, logger),
        admitsAtOnce: (integrationId) => pacer.admitsAtOnce(integrationId),
        publishJob: (job, correlationId, options) => publisher.publishJob(job, correlationId, options),
        slots: firstAttemptSlots,
        logger,
        onStarted: (start) => metrics.firstAttempts.inc({ start }),
        onEnded: (outcome) => metrics.handled.inc({ queue: 'first_attempt', outcome }),
      })
      : undefined;
    const fanOut = new FanOut({
      events,
      integrations,
      jobs,
      replays: new ReplayRequestRepository(db),
      publisher,
      maxAttempts: retryPolicy.maxAttempts,
      ...(firstAttempts ? { firstAttempts } : {}),
    });
    const fanOutBatched = batchedFanOut(fanOut, { maxBatchSize, onBatch: (size) => metrics.batchSize.observe({ work: 'fan_out' }, size) });

    const { queues } = broker.topology;
    const ops = await startOpsServer({
      port: config.opsPort,
      registry,
      readiness: infrastructure.readiness,
      report: unopenable.report,
    });
    stopOpsServerWith(() => ops.close());
    const counted = (queue: 'events' | 'jobs', handler: ConsumeHandler): ConsumeHandler => async (message) => {
      try {
        const outcome = await handler(message);
        metrics.handled.inc({ queue, outcome: outcome.action });
        return outcome;
      } catch (error) {
        metrics.handled.inc({ queue, outcome: 'requeue' });
        throw error;
      }
    };
    // In-flight deliveries may take up to the delivery timeout; let them finish and record before the
    // broker and the pool close.
    resources.add('consumers', () => broker.stopConsuming(config.deliveryTimeoutMs + 5_000));
    // Resources stop newest first, so this stops before the consumers: from then on a fan-out still under way
    // sends its new jobs as messages (for another replica) instead of attempting them here, while the attempts
    // running go on; the consumers' stop then waits for their messages, which are acked only once their
    // attempts (jobs created claimed included) have ended, before the broker and the pool close.
    if (firstAttempts) resources.add('in-process first attempts', () => firstAttempts.stop());
    await broker.consume(queues.events, counted('events', fanOutConsumer(fanOutBatched, logger)), { prefetch: config.dispatcherPrefetch });
    await broker.consume(queues.jobs, counted('jobs', deliverJobConsumer(attempt, logger)), { prefetch: config.dispatcherPrefetch - firstAttemptSlots });
    logger.info('dispatcher consuming', { events: queues.events, jobs: queues.jobs });
    const sweeper = new JobSweeper({ store: new StrandedJobRepository(db), publisher, leaseMs: config.jobLeaseMs, logger });
    const sweeping = repeatEvery(config.sweepIntervalMs, () => sweeper.sweepOnce(), logger, 'stranded-job sweep');
    resources.add('stranded-job sweep', () => sweeping.stop());
    // Added last so that it runs first: /ready fails before anything stops.
    resources.add('readiness', () => ops.drain());
    return { opsPort: ops.port };
  });
}

if (isEntryPoint(import.meta.url)) await runMain('dispatcher', start);
