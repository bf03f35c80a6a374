// Audit service: the only writer of the tamper-evident audit log.
import type { ServiceConfig } from '@hookway/config';
import type { Logger } from '@hookway/logger';
import type { ChainedEntry } from '@hookway/contracts';
import { Batcher, isDataException } from '@hookway/db';
import { connectInfrastructure, createMetricsRegistry, isEntryPoint, runMain, startOpsServer } from '@hookway/runtime';
import { Counter, Gauge, Histogram } from 'prom-client';
import { AuditLogRepository } from './data-access/audit-log.repository.js';
import type { AppendResult } from './domain/ports.js';
import { auditFactConsumer } from './entry-points/queue/audit-fact.consumer.js';

// Most facts appended in one transaction, and the consumer's prefetch: a burst can fill a whole batch.
const APPEND_BATCH = 256;

export async function start(config: ServiceConfig<'audit'>, logger: Logger): Promise<{ stop(): Promise<void>; opsPort: number }> {
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
  const batchSize = new Histogram({
    name: 'hookway_audit_append_batch_size',
    help: 'Facts per append transaction (a batch refused for one bad fact is retried fact by fact, each counted)',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [registry],
  });
  // Group commit: facts arriving while a transaction runs go together in the next one. One batch at a
  // time, since the chain lock serialises appends anyway; a batch PostgreSQL refuses for a bad value is
  // retried fact by fact, so only that fact fails.
  const appends = new Batcher<ChainedEntry, AppendResult>(
    (entries) => {
      batchSize.observe(entries.length);
      return repository.appendMany(entries);
    },
    { maxSize: APPEND_BATCH, maxInFlight: 1, retryAlone: isDataException },
  );
  const ops = await startOpsServer({
    port: config.opsPort,
    registry,
    readiness: infrastructure.readiness,
  });

  // A prefetch as large as a batch lets a burst share one transaction. After a crash up to that many
  // unacked facts are redelivered; appending them again is a no-op (factId), so only time is lost.
  await broker.consume(
    broker.topology.queues.audit,
    auditFactConsumer({ append: (entry) => appends.add(entry) }, logger, (fact) => appended.inc({ fact })),
    { prefetch: APPEND_BATCH },
  );
  return {
    opsPort: ops.port,
    stop: async () => {
      ops.drain();
      // No new facts, then the batches already taken are written while the pool is still open.
      await broker.stopConsuming();
      await appends.drain();
      await infrastructure.close();
      await ops.close();
    },
  };
}

if (isEntryPoint(import.meta.url)) await runMain('audit', start);
