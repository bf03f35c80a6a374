// The dispatcher's Prometheus metrics, on its registry: main.ts feeds the counters and histograms as
// messages are handled; the queue depths are asked of RabbitMQ when Prometheus scrapes.
import type { Broker } from '@hookway/broker';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface DispatcherMetrics {
  attempts: Counter<'outcome' | 'job_status'>;
  latency: Histogram<'outcome'>;
  batchSize: Histogram<'work'>;
  paced: Counter<'reason'>;
  /**
   * Counted once the handler is done with a message (its writes and publishes made): throughput, and what a
   * test waits for to know that every message it sent has been dealt with.
   */
  handled: Counter<'queue' | 'outcome'>;
  firstAttempts: Counter<'start'>;
}

export function dispatcherMetrics(registry: Registry): DispatcherMetrics {
  return {
    attempts: new Counter({
      name: 'hookway_delivery_attempts_total',
      help: 'Delivery attempts, by outcome and what became of the job (succeeded, retrying, dead)',
      labelNames: ['outcome', 'job_status'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'hookway_delivery_latency_seconds',
      help: 'Time from request to the subscriber\'s answer (or failure)',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'hookway_dispatcher_batch_size',
      help: 'Messages handled by one statement or transaction (group commit), by what it did: fan_out or record',
      labelNames: ['work'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
      registers: [registry],
    }),
    paced: new Counter({
      name: 'hookway_delivery_paced_total',
      help: 'Jobs held back before their attempt: by their integration\'s rate limit, or by a receiver\'s 429 retry-after',
      labelNames: ['reason'],
      registers: [registry],
    }),
    handled: new Counter({
      name: 'hookway_dispatcher_messages_handled_total',
      help: 'Messages the dispatcher finished handling, by queue (events, jobs) and outcome (ack, requeue, dead); queue first_attempt counts the first attempts made in process (done, or queued after a failure)',
      labelNames: ['queue', 'outcome'],
      registers: [registry],
    }),
    firstAttempts: new Counter({
      name: 'hookway_dispatcher_first_attempts_total',
      help: 'First attempts started in the fanning-out process, by how their job was taken: created_claimed (created with attempt 1 claimed, no claim statement), '
        + 'claim (its own claim statement: an integration with a rate limit or a receiver\'s pause, or no slot reserved), takeover (a redelivered event message took over an attempt a dead process had claimed)',
      labelNames: ['start'],
      registers: [registry],
    }),
  };
}

/** The depth of each dispatcher queue (consumer lag), asked at each scrape; left as it was while RabbitMQ is away. */
export function watchQueueDepths(registry: Registry, broker: Pick<Broker, 'isConnected' | 'withChannel' | 'topology'>): void {
  const { queues } = broker.topology;
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
}
