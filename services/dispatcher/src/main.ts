// Composition root of the dispatcher: two queue consumers (fan-out and delivery), no HTTP server yet.
// Retries need no consumer of their own: the retry tiers dead-letter back into the jobs queue.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Config } from '@hookway/config';
import type { Logger } from '@hookway/logger';
import { connectInfrastructure, createMetricsRegistry, isEntryPoint, runMain, startOpsServer } from '@hookway/runtime';
import { Counter, Gauge, Histogram } from 'prom-client';
import { SecretBox } from '@hookway/signing';
import { EventRepository } from './data-access/event.repository.js';
import { IntegrationRepository } from './data-access/integration.repository.js';
import { BatchedJobStore } from './data-access/batched-job.store.js';
import { JobRepository } from './data-access/job.repository.js';
import { ReplayRequestRepository } from './data-access/replay-request.repository.js';
import { FanOut } from './domain/fan-out.js';
import { JobDelivery } from './domain/job-delivery.js';
import { RetryPolicy } from './domain/retry-policy.js';
import { deliverJobConsumer } from './entry-points/queue/deliver-job.consumer.js';
import { batchedFanOut, fanOutConsumer } from './entry-points/queue/fan-out.consumer.js';
import { BrokerDispatchPublisher } from './outbound/dispatch-publisher.js';
import { cachedOpener } from './outbound/opened-secrets.js';
import { SsrfGuard, WebhookClient } from '@hookway/outbound';

export async function start(config: Config, logger: Logger): Promise<{ stop(): Promise<void>; opsPort: number }> {
  const infrastructure = await connectInfrastructure(config, logger, 'dispatcher');
  const { db, broker } = infrastructure;

  // One keep-alive pool per process: subscribers receive many requests in a row.
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  const secretBox = new SecretBox(config.secretEncryptionKey);
  const events = new EventRepository(db);
  const integrations = new IntegrationRepository(db);
  const publisher = new BrokerDispatchPublisher(broker);
  const retryPolicy = new RetryPolicy(config.retryScheduleMs);

  const registry = createMetricsRegistry('dispatcher');
  const attempts = new Counter({
    name: 'hookway_delivery_attempts_total',
    help: 'Delivery attempts, by outcome and what became of the job (succeeded, retrying, dead)',
    labelNames: ['outcome', 'job_status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'hookway_delivery_latency_seconds',
    help: 'Time from request to the subscriber\'s answer (or failure)',
    labelNames: ['outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const batchSize = new Histogram({
    name: 'hookway_dispatcher_batch_size',
    help: 'Messages handled by one statement or transaction (group commit), by what it did: fan_out or record',
    labelNames: ['work'],
    buckets: [1, 2, 4, 8, 16, 32, 64, 128],
    registers: [registry],
  });

  // Messages that arrive together share their statements. A batch is at most one prefetch window, and
  // two batches of each kind run at once: with the pool's 10 connections, claims, records and fan-outs
  // never wait for a connection behind each other.
  const maxBatchSize = config.dispatcherPrefetch;
  const jobs = new BatchedJobStore(new JobRepository(db), {
    maxBatchSize,
    batchesInFlight: 2,
    onRecordBatch: (size) => batchSize.observe({ work: 'record' }, size),
  });
  const fanOut = new FanOut({
    events,
    integrations,
    jobs,
    replays: new ReplayRequestRepository(db),
    publisher,
    maxAttempts: retryPolicy.maxAttempts,
  });
  const delivery = new JobDelivery({
    jobs,
    integrations,
    publisher,
    sender: new WebhookClient({ timeoutMs: config.deliveryTimeoutMs, agents, guard: new SsrfGuard(config.outboundAllowCidrs) }),
    retryPolicy,
    circuitBreakerThreshold: config.circuitBreakerThreshold,
    openSecret: cachedOpener((sealed) => secretBox.open(sealed)),
    onAttempt: (attempt, jobStatus) => {
      attempts.inc({ outcome: attempt.status, job_status: jobStatus });
      latency.observe({ outcome: attempt.status }, attempt.latencyMs / 1000);
    },
  });

  const fanOutBatched = batchedFanOut(fanOut, { maxBatchSize, onBatch: (size) => batchSize.observe({ work: 'fan_out' }, size) });

  const { queues } = broker.topology;
  const ops = await startOpsServer({
    port: config.opsPort,
    registry,
    readiness: infrastructure.readiness,
  });
  new Gauge({
    name: 'hookway_queue_depth',
    help: 'Messages waiting in the dispatcher queues (consumer lag)',
    labelNames: ['queue'],
    registers: [registry],
    collect: async function collect(this: Gauge) {
      if (!broker.isConnected()) return;
      await broker.withChannel(async (channel) => {
        for (const [name, queue] of [['events', queues.events], ['jobs', queues.jobs], ['dead', queues.dead]] as const) {
          this.set({ queue: name }, (await channel.checkQueue(queue)).messageCount);
        }
      });
    },
  });
  await broker.consume(queues.events, fanOutConsumer(fanOutBatched, logger), { prefetch: config.dispatcherPrefetch });
  await broker.consume(queues.jobs, deliverJobConsumer(delivery, logger), { prefetch: config.dispatcherPrefetch });
  logger.info('dispatcher consuming', { events: queues.events, jobs: queues.jobs });

  return {
    opsPort: ops.port,
    stop: async () => {
      ops.drain();
      // In-flight deliveries may take up to the delivery timeout; let them finish and record.
      await broker.stopConsuming(config.deliveryTimeoutMs + 5_000);
      await infrastructure.close();
      agents.http.destroy();
      agents.https.destroy();
      await ops.close();
    },
  };
}

if (isEntryPoint(import.meta.url)) await runMain('dispatcher', start);
