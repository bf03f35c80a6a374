import { describe, expect, it } from '@jest/globals';
import amqp from 'amqplib';
import { Broker, buildTopology } from '@hookway/broker';
import { createTestBroker, silentLogger, TEST_RETRY_SCHEDULE_MS } from '../src/index.js';

const URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

describe('createTestBroker', () => {
  it('cleans up every queue and exchange of its prefix, including tiers only a service declared', async () => {
    const fixture = await createTestBroker('cleanup', [50]);
    // A service started with testConfig declares the default schedule's tiers too.
    const service = await Broker.connect({ url: URL, prefix: fixture.prefix, retryScheduleMs: TEST_RETRY_SCHEDULE_MS, logger: silentLogger() });
    await service.close();
    await fixture.cleanup();

    const all = buildTopology(fixture.prefix, [50, ...TEST_RETRY_SCHEDULE_MS]);
    const connection = await amqp.connect(URL);
    const left: string[] = [];
    try {
      for (const queue of [...Object.values(all.queues), ...all.retryTiers.map((tier) => tier.queue)]) {
        const channel = await connection.createChannel();
        channel.on('error', () => undefined);
        if (await channel.checkQueue(queue).then(() => true, () => false)) left.push(queue);
        await channel.close().catch(() => undefined);
      }
    } finally {
      await connection.close();
    }
    expect(left).toEqual([]);
  });
});
