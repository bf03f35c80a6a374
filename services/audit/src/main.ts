// Audit service: the only writer of the tamper-evident audit log.
import type { Config } from '@hookway/config';
import { Broker } from '@hookway/broker';
import { createDatabase, migrationsCurrent, pingDatabase } from '@hookway/db';
import type { Logger } from '@hookway/logger';
import { createMetricsRegistry, isEntryPoint, runMain, startOpsServer } from '@hookway/runtime';
import { Counter, Gauge } from 'prom-client';
import { AuditLogRepository } from './data-access/audit-log.repository.js';
import { auditFactConsumer } from './entry-points/queue/audit-fact.consumer.js';

export async function start(config: Config, logger: Logger): Promise<{ stop(): Promise<void>; opsPort: number }> {
  const db = createDatabase({ url: config.databaseUrl, poolMax: 4, applicationName: 'hookway-audit', logger });
  const broker = await Broker.connect({
    url: config.rabbitmqUrl,
    prefix: config.brokerPrefix,
    retryScheduleMs: config.retryScheduleMs,
    logger,
  });
  const repository = new AuditLogRepository(db);

  const registry = createMetricsRegistry('audit');
  const appended = new Counter({
    name: 'hookway_audit_entries_appended_total',
    help: 'Audit entries appended to the chain, by fact (entityType.action)',
    labelNames: ['fact'],
    registers: [registry],
  });
  new Gauge({
    name: 'hookway_audit_chain_length',
    help: 'Entries in the audit hash chain',
    registers: [registry],
    collect: async function collect(this: Gauge) {
      this.set(await repository.length());
    },
  });
  const ops = await startOpsServer({
    port: config.opsPort,
    registry,
    readiness: {
      postgres: () => pingDatabase(db),
      rabbitmq: () => broker.isConnected(),
      migrations: () => migrationsCurrent(db),
    },
  });

  // Appends are serialised by the chain lock anyway; a small prefetch keeps redelivery after a crash small.
  await broker.consume(
    broker.topology.queues.audit,
    auditFactConsumer(repository, logger, (fact) => appended.inc({ fact })),
    { prefetch: 16 },
  );
  return {
    opsPort: ops.port,
    stop: async () => {
      ops.drain();
      await broker.close();
      await db.destroy();
      await ops.close();
    },
  };
}

if (isEntryPoint(import.meta.url)) await runMain('audit', start);
