// Composition root of the management service: the operators' API over PostgreSQL, publishing replays
// to RabbitMQ, with an outbox relay for replay requests the broker could not take at once.
import type { Config } from '@hookway/config';
import type { Logger } from '@hookway/logger';
import { Broker } from '@hookway/broker';
import { createDatabase, OutboxRelay, pingDatabase } from '@hookway/db';
import { createHttpApp, errorHandler, listen, notFoundHandler } from '@hookway/http';
import { isEntryPoint, runMain } from '@hookway/runtime';
import { AuditEntryRepository } from './data-access/audit-entry.repository.js';
import { DeliveryAttemptRepository } from './data-access/delivery-attempt.repository.js';
import { DeliveryJobRepository } from './data-access/delivery-job.repository.js';
import { EventRepository } from './data-access/event.repository.js';
import { IntegrationRepository } from './data-access/integration.repository.js';
import { ReplayRequestRepository } from './data-access/replay-request.repository.js';
import { EventViews } from './domain/event-views.js';
import { ReplayService } from './domain/replay.service.js';
import { apiKeyScheme } from './entry-points/http/auth.js';
import { managementApi } from './entry-points/http/router.js';

export interface RunningManagement {
  port: number;
  stop(): Promise<void>;
}

export async function start(config: Config, logger: Logger): Promise<RunningManagement> {
  const db = createDatabase({ url: config.databaseUrl, applicationName: 'hookway-management', logger });
  const broker = await Broker.connect({
    url: config.rabbitmqUrl,
    prefix: config.brokerPrefix,
    retryScheduleMs: config.retryScheduleMs,
    logger,
  });

  const events = new EventRepository(db);
  const jobs = new DeliveryJobRepository(db);
  const attempts = new DeliveryAttemptRepository(db);
  const replays = new ReplayService(new ReplayRequestRepository(db), broker, broker.topology.exchanges.events, logger);
  const relay = new OutboxRelay(replays.outboxSource(), {
    db,
    logger,
    name: 'replay-requests',
    intervalMs: config.outboxRelayIntervalMs,
  });

  const app = createHttpApp({ logger });
  app.use('/api/v1', managementApi({
    health: { postgres: () => pingDatabase(db), rabbitmq: () => broker.isConnected() },
    authSchemes: [apiKeyScheme(config.managementApiKey)],
    integrations: new IntegrationRepository(db),
    events,
    views: new EventViews(events, jobs, attempts),
    replays,
    attempts,
    auditEntries: new AuditEntryRepository(db),
  }));
  app.use(notFoundHandler());
  app.use(errorHandler());

  const server = await listen(app, config.managementPort);
  relay.start();
  logger.info('management listening', { port: server.port });

  return {
    port: server.port,
    stop: async () => {
      await server.close();
      await relay.stop();
      await broker.close();
      await db.destroy();
    },
  };
}

if (isEntryPoint(import.meta.url)) await runMain('management', start);
