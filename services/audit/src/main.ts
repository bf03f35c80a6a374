// Audit service: the only writer of the tamper-evident audit log.
import type { ServiceConfig } from '@hookway/config';
import type { Logger } from '@hookway/logger';
import type { ChainedEntry } from '@hookway/contracts';
import { Batcher, isDataException } from '@hookway/db';
import { connectInfrastructure, createMetricsRegistry, watchBrokerPublishes, isEntryPoint, runMain, startOpsServer, startWith } from '@hookway/runtime';
import { AuditLogRepository } from './data-access/audit-log.repository.js';
import type { AppendResult } from './domain/ports.js';
import { auditFactConsumer } from './entry-points/queue/audit-fact.consumer.js';
import { auditMetrics, watchChainLength } from './metrics.js';

// Most facts appended in one transaction.
const APPEND_BATCH = 256;
// Messages taken at once. A message carries one fact or a publisher's batch of up to 500, so 32 of them
// fill several append batches while bounding the facts held in memory during a backlog.
const AUDIT_PREFETCH = 32;

export async function start(config: ServiceConfig<'audit'>, logger: Logger): Promise<{ stop(): Promise<void>; opsPort: number }> {
  return startWith(logger, async (resources) => {
    // The ops server opens once what it reports on is connected, but closes last: /health and /metrics
    // answer, and /ready says draining, until everything else has stopped.
    const stopOpsServerWith = resources.reserve('ops server');
    const infrastructure = await connectInfrastructure(config, logger, 'audit', { poolMax: 4, resources });
    const { db, broker } = infrastructure;
    const repository = new AuditLogRepository(db);

    const registry = createMetricsRegistry('audit');
    watchBrokerPublishes(registry, broker);
    const metrics = auditMetrics(registry);
    watchChainLength(registry, repository);
    // Group commit: facts arriving while a transaction runs go together in the next one. One batch at a
    // time, since the chain lock serialises appends anyway; a batch PostgreSQL refuses for a bad value is
    // retried fact by fact, so only that fact fails.
    const appends = new Batcher<ChainedEntry, AppendResult>(
      (entries) => {
        metrics.batchSize.observe(entries.length);
        return repository.appendMany(entries);
      },
      { maxSize: APPEND_BATCH, maxInFlight: 1, retryAlone: isDataException },
    );
    // The batches already taken are written while the pool is still open.
    resources.add('append batches', () => appends.drain());
    const ops = await startOpsServer({
      port: config.opsPort,
      registry,
      readiness: infrastructure.readiness,
    });
    stopOpsServerWith(() => ops.close());

    // No new facts before the batches drain. After a crash the unacked messages are redelivered;
    // appending their facts again is a no-op (factId), so only time is lost.
    resources.add('audit fact consumer', () => broker.stopConsuming());
    await broker.consume(
      broker.topology.queues.audit,
      auditFactConsumer({ append: (entry) => appends.add(entry) }, logger, (fact) => metrics.appended.inc({ fact })),
      { prefetch: AUDIT_PREFETCH },
    );
    // Added last so that it runs first: /ready fails before anything stops.
    resources.add('readiness', () => ops.drain());
    return { opsPort: ops.port };
  });
}

if (isEntryPoint(import.meta.url)) await runMain('audit', start);
