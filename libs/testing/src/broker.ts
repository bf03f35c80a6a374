// A broker prefix of its own per test file, and the clean-up that deletes its queues and exchanges.
import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { buildTopology, declareTopology, deleteTopology, type Topology } from '@hookway/broker';

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
    cleanup: async () => {
      try {
        await deleteTopology(channel, topology);
      } finally {
        await connection.close().catch(() => undefined);
      }
    },
  };
}
