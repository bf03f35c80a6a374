// A broker prefix of its own per test file, and the clean-up that deletes its queues and exchanges.
import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { buildTopology, declareTopology, deleteTopology, type Topology } from '@hookway/broker';
import { TEST_RETRY_SCHEDULE_MS } from './config.js';

export const TEST_RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export function uniquePrefix(label = 'test'): string {
  return `hwt-${label.replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 20)}-${randomBytes(4).toString('hex')}`;
}

export interface TestBroker {
  prefix: string;
  topology: Topology;
  /** Number of ready messages in a queue of this topology. */
  depth(queue: string): Promise<number>;
  /** Takes one message from a queue without a consumer (null when empty). */
  take(queue: string): Promise<{ body: unknown; properties: amqp.MessageProperties } | null>;
  cleanup(): Promise<void>;
}

export async function createTestBroker(label: string, retryScheduleMs: readonly number[]): Promise<TestBroker> {
  const prefix = uniquePrefix(label);
  const topology = buildTopology(prefix, retryScheduleMs);
  const connection = await amqp.connect(TEST_RABBITMQ_URL);
  const channel = await connection.createChannel();
  await declareTopology(channel, topology);
  return {
    prefix,
    topology,
    depth: async (queue) => (await channel.checkQueue(queue)).messageCount,
    take: async (queue) => {
      const message = await channel.get(queue, { noAck: true });
      if (!message) return null;
      return { body: JSON.parse(message.content.toString('utf8')) as unknown, properties: message.properties };
    },
    // A fresh connection: the fixture's own may have died with the broker (fault tests restart it).
    // The tiers of testConfig's default schedule are always included, since services declare them.
    cleanup: async () => {
      await connection.close().catch(() => undefined);
      const cleaner = await amqp.connect(TEST_RABBITMQ_URL);
      try {
        const all = buildTopology(prefix, [...retryScheduleMs, ...TEST_RETRY_SCHEDULE_MS]);
        await deleteTopology(await cleaner.createChannel(), all);
      } finally {
        await cleaner.close().catch(() => undefined);
      }
    },
  };
}
