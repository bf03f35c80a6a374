import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { Broker } from '@hookway/broker';
import { createTestBroker, silentLogger, TEST_RABBITMQ_URL, type TestBroker } from '@hookway/testing';
import { watchBrokerPublishes } from '../src/index.js';

describe('hookway_broker_messages_confirmed_total', () => {
  let fixture: TestBroker;
  let broker: Broker;

  beforeAll(async () => {
    fixture = await createTestBroker('brokermetrics', [100]);
    broker = await Broker.connect({ url: TEST_RABBITMQ_URL, prefix: fixture.prefix, retryScheduleMs: [100], logger: silentLogger() });
  });

  afterAll(async () => {
    await broker.close();
    await fixture.cleanup();
  });

  it('counts what RabbitMQ confirmed, per exchange, at each scrape', async () => {
    const registry = new Registry();
    watchBrokerPublishes(registry, broker);
    const { exchanges, jobRoutingKey } = broker.topology;
    const message = { jobId: 'count-me', eventId: 'event', integrationId: 'integration', attempt: 1 };

    await Promise.all([1, 2, 3].map(() => broker.publish(exchanges.jobs, jobRoutingKey, message)));
    expect(await registry.metrics()).toContain(`hookway_broker_messages_confirmed_total{exchange="${exchanges.jobs}"} 3`);
    await broker.publish(exchanges.jobs, jobRoutingKey, message);
    expect(await registry.metrics()).toContain(`hookway_broker_messages_confirmed_total{exchange="${exchanges.jobs}"} 4`);
  });
});
