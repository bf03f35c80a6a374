// The audit service's Prometheus metrics, on its registry: main.ts feeds the counter and the histogram as
// facts are appended; the chain's length is read when Prometheus scrapes.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface AuditMetrics {
  appended: Counter<'fact'>;
  batchSize: Histogram;
}

export function auditMetrics(registry: Registry): AuditMetrics {
  return {
    appended: new Counter({
      name: 'hookway_audit_entries_appended_total',
      help: 'Audit entries appended to the chain, by fact (entityType.action)',
      labelNames: ['fact'],
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'hookway_audit_append_batch_size',
      help: 'Facts per append transaction (a batch refused for one bad fact is retried fact by fact, each counted)',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers: [registry],
    }),
  };
}

export function watchChainLength(registry: Registry, chain: { length(): Promise<number> }): void {
  new Gauge({
    name: 'hookway_audit_chain_length',
    help: 'Entries in the audit hash chain',
    registers: [registry],
    collect: async function collect(this: Gauge) {
      this.set(await chain.length());
    },
  });
}
