// Audit service: the only writer of the tamper-evident audit log.
import type { Config } from '@hookway/config';
import { Broker } from '@hookway/broker';
import { createDatabase } from '@hookway/db';
import type { Logger } from '@hookway/logger';
import { isEntryPoint, runMain, type RunningService } from '@hookway/runtime';
import { AuditLogRepository } from './data-access/audit-log.repository.js';
import { auditFactConsumer } from './entry-points/queue/audit-fact.consumer.js';

export async function start(config: Config, logger: Logger): Promise<RunningService> {
  const db = createDatabase({ url: config.databaseUrl, poolMax: 4, applicationName: 'hookway-audit', logger });
  const broker = await Broker.connect({
    url: config.rabbitmqUrl,
    prefix: config.brokerPrefix,
    retryScheduleMs: config.retryScheduleMs,
    logger,
  });
  const repository = new AuditLogRepository(db);
  // Appends are serialised by the chain lock anyway; a small prefetch keeps redelivery after a crash small.
  await broker.consume(broker.topology.queues.audit, auditFactConsumer(repository, logger), { prefetch: 16 });
  return {
    stop: async () => {
      await broker.close();
      await db.destroy();
    },
  };
}

if (isEntryPoint(import.meta.url)) await runMain('audit', start);
