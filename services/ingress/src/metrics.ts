// The ingress's Prometheus metrics, on its registry: main.ts feeds the counter and the histogram as
// webhooks arrive; the backlogs are read when Prometheus scrapes.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface IngressMetrics {
  insertBatchSize: Histogram;
  webhooks: Counter<'provider' | 'outcome'>;
}

export function ingressMetrics(registry: Registry): IngressMetrics {
  return {
    insertBatchSize: new Histogram({
      name: 'hookway_ingress_insert_batch_size',
      help: 'Webhooks made durable by one INSERT statement (group commit)',
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers: [registry],
    }),
    webhooks: new Counter({
      name: 'hookway_webhooks_total',
      help: 'Webhooks received, by provider and outcome (accepted, duplicate, or the error code)',
      labelNames: ['provider', 'outcome'],
      registers: [registry],
    }),
  };
}

/** What the ingress's gauges read at each scrape. */
export interface IngressBacklogs {
  insertsPending(): number;
  outboxBacklog(): Promise<number>;
  inflightBytes(): number;
}

export function watchBacklogs(registry: Registry, backlogs: IngressBacklogs): void {
  new Gauge({
    name: 'hookway_ingress_inserts_pending',
    help: 'Accepted webhooks waiting for their INSERT (queued for a statement, or in one under way)',
    registers: [registry],
    collect: function collect(this: Gauge) {
      this.set(backlogs.insertsPending());
    },
  });
  new Gauge({
    name: 'hookway_outbox_backlog',
    help: 'Accepted events not yet confirmed by the broker',
    registers: [registry],
    collect: async function collect(this: Gauge) {
      this.set(await backlogs.outboxBacklog());
    },
  });
  new Gauge({
    name: 'hookway_ingress_inflight_bytes',
    help: 'Body bytes of the webhooks in hand (INGRESS_MAX_INFLIGHT_BYTES bounds it; beyond, 503)',
    registers: [registry],
    collect: function collect(this: Gauge) {
      this.set(backlogs.inflightBytes());
    },
  });
}
