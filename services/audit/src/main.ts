// Audit service: the only writer of the tamper-evident audit log.
import type { Config } from '@hookway/config';
import type { Logger } from '@hookway/logger';
import { connectInfrastructure, createMetricsRegistry, isEntryPoint, runMain, startOpsServer } from '@hookway/runtime';
import { Counter, Gauge } from 'prom-client';
import { AuditLogRepository } from './data-access/audit-log.repository.js';
import { auditFactConsumer } from './entry-points/queue/audit-fact.consumer.js';

export async function start(config: Config, logger: Logger): Promise<{ stop(): Promise<void>; opsPort: number }> {
  const infrastructure = await connectInfrastructure(config, logger, 'audit', { poolMax: 4 });
  const { db, broker } = infrastructure;
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
    readiness: infrastructure.readiness,
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
      await infrastructure.close();
      await ops.close();
    },
  };
}

if (isEntryPoint(import.meta.url)) await runMain('audit', start);
