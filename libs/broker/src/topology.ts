// The RabbitMQ topology of DESIGN.md: every name carries a prefix so tests and side-by-side
// installs never share a queue. Declaring it is idempotent and happens at every (re)connect.
import type { Channel } from 'amqplib';

export interface RetryTier {
  delayMs: number;
  label: string;
  queue: string;
}

export interface Topology {
  prefix: string;
  exchanges: { events: string; jobs: string; retry: string; dead: string; audit: string };
  queues: { events: string; jobs: string; dead: string; audit: string };
  retryTiers: RetryTier[];
  /**
   * Delay queues for jobs held back by their integration's rate limit (PACING_DELAYS_MS, whatever the
   * retry schedule), on the retry exchange under the routing key `pace.<delay>`; like the retry tiers
   * they dead-letter back to the jobs exchange when the queue TTL expires.
   */
  pacingTiers: RetryTier[];
  /** Routing key of job messages on the jobs exchange. */
  jobRoutingKey: string;
}

/** Queue-name label for a delay: "50ms", "5s", "2m", "1h". */
export function delayLabel(ms: number): string {
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1_000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** The pacing tiers' delays: a rate-limited job waits through the largest one shorter than its wait. */
export const PACING_DELAYS_MS: readonly number[] = [250, 1_000, 5_000, 30_000];

export function buildTopology(prefix: string, retryScheduleMs: readonly number[]): Topology {
  const unique = [...new Set(retryScheduleMs)];
  return {
    prefix,
    exchanges: {
      events: `${prefix}.events`,
      jobs: `${prefix}.jobs`,
      retry: `${prefix}.retry`,
      dead: `${prefix}.dead`,
      audit: `${prefix}.audit`,
    },
    queues: {
      events: `${prefix}.dispatcher.events`,
      jobs: `${prefix}.dispatcher.jobs`,
      dead: `${prefix}.dispatcher.dead`,
      audit: `${prefix}.audit.entries`,
    },
    retryTiers: unique.map((delayMs) => ({
      delayMs,
      label: delayLabel(delayMs),
      queue: `${prefix}.dispatcher.retry.${delayLabel(delayMs)}`,
    })),
    pacingTiers: PACING_DELAYS_MS.map((delayMs) => ({
      delayMs,
      label: `pace.${delayLabel(delayMs)}`,
      queue: `${prefix}.dispatcher.pace.${delayLabel(delayMs)}`,
    })),
    jobRoutingKey: 'deliver',
  };
}

// A message redelivered this many times is poison (its consumer keeps dying on it): RabbitMQ
// dead-letters it instead of looping forever.
const DELIVERY_LIMIT = 20;

export async function declareTopology(channel: Channel, topology: Topology): Promise<void> {
  const { exchanges, queues } = topology;
  await channel.assertExchange(exchanges.events, 'topic', { durable: true });
  await channel.assertExchange(exchanges.jobs, 'direct', { durable: true });
  await channel.assertExchange(exchanges.retry, 'direct', { durable: true });
  await channel.assertExchange(exchanges.dead, 'fanout', { durable: true });
  await channel.assertExchange(exchanges.audit, 'topic', { durable: true });

  const workQueue = {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      'x-delivery-limit': DELIVERY_LIMIT,
      'x-dead-letter-exchange': exchanges.dead,
    },
  };
  await channel.assertQueue(queues.events, workQueue);
  await channel.bindQueue(queues.events, exchanges.events, '#');
  await channel.assertQueue(queues.jobs, workQueue);
  await channel.bindQueue(queues.jobs, exchanges.jobs, topology.jobRoutingKey);
  await channel.assertQueue(queues.audit, workQueue);
  await channel.bindQueue(queues.audit, exchanges.audit, '#');
  await channel.assertQueue(queues.dead, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.bindQueue(queues.dead, exchanges.dead, '');

  // Per-queue TTL, never per-message TTL: an expiring message must not wait behind a longer one.
  for (const tier of [...topology.retryTiers, ...topology.pacingTiers]) {
    await channel.assertQueue(tier.queue, {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-message-ttl': tier.delayMs,
        'x-dead-letter-exchange': exchanges.jobs,
        'x-dead-letter-routing-key': topology.jobRoutingKey,
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
      },
    });
    await channel.bindQueue(tier.queue, exchanges.retry, tier.label);
  }
}

/** Removes every queue and exchange of a topology (tests clean up their own prefix with it). */
export async function deleteTopology(channel: Channel, topology: Topology): Promise<void> {
  const queues = [...Object.values(topology.queues), ...[...topology.retryTiers, ...topology.pacingTiers].map((tier) => tier.queue)];
  for (const queue of queues) await channel.deleteQueue(queue);
  for (const exchange of Object.values(topology.exchanges)) await channel.deleteExchange(exchange);
}
