// Composition root of the dispatcher: two queue consumers (fan-out and delivery), no HTTP server yet.
// Retries need no consumer of their own: the retry tiers dead-letter back into the jobs queue.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Broker } from '@hookway/broker';
import type { Config } from '@hookway/config';
import { createDatabase } from '@hookway/db';
import type { Logger } from '@hookway/logger';
import { isEntryPoint, runMain } from '@hookway/runtime';
import { SecretBox } from '@hookway/signing';
import { EventRepository } from './data-access/event.repository.js';
import { IntegrationRepository } from './data-access/integration.repository.js';
import { JobRepository } from './data-access/job.repository.js';
import { ReplayRequestRepository } from './data-access/replay-request.repository.js';
import { FanOut } from './domain/fan-out.js';
import { JobDelivery } from './domain/job-delivery.js';
import { RetryPolicy } from './domain/retry-policy.js';
import { deliverJobConsumer } from './entry-points/queue/deliver-job.consumer.js';
import { fanOutConsumer } from './entry-points/queue/fan-out.consumer.js';
import { BrokerDispatchPublisher } from './outbound/dispatch-publisher.js';
import { SsrfGuard, WebhookClient } from '@hookway/outbound';

export async function start(config: Config, logger: Logger): Promise<{ stop(): Promise<void> }> {
  const db = createDatabase({ url: config.databaseUrl, applicationName: 'hookway-dispatcher', logger });
  let broker: Broker;
  try {
    broker = await Broker.connect({
      url: config.rabbitmqUrl,
      prefix: config.brokerPrefix,
      retryScheduleMs: config.retryScheduleMs,
      logger,
    });
  } catch (error) {
    await db.destroy();
    throw error;
  }

  // One keep-alive pool per process: subscribers receive many requests in a row.
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  const secretBox = new SecretBox(config.secretEncryptionKey);
  const events = new EventRepository(db);
  const integrations = new IntegrationRepository(db);
  const jobs = new JobRepository(db);
  const publisher = new BrokerDispatchPublisher(broker);
  const retryPolicy = new RetryPolicy(config.retryScheduleMs);

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
    events,
    integrations,
    publisher,
    sender: new WebhookClient({ timeoutMs: config.deliveryTimeoutMs, agents, guard: new SsrfGuard(config.outboundAllowCidrs) }),
    retryPolicy,
    circuitBreakerThreshold: config.circuitBreakerThreshold,
    openSecret: (sealed) => secretBox.open(sealed),
  });

  const { queues } = broker.topology;
  await broker.consume(queues.events, fanOutConsumer(fanOut, logger), { prefetch: config.dispatcherPrefetch });
  await broker.consume(queues.jobs, deliverJobConsumer(delivery, logger), { prefetch: config.dispatcherPrefetch });
  logger.info('dispatcher consuming', { events: queues.events, jobs: queues.jobs });

  return {
    stop: async () => {
      // In-flight deliveries may take up to the delivery timeout; let them finish and record.
      await broker.stopConsuming(config.deliveryTimeoutMs + 5_000);
      await broker.close();
      agents.http.destroy();
      agents.https.destroy();
      await db.destroy();
    },
  };
}

if (isEntryPoint(import.meta.url)) await runMain('dispatcher', start);
