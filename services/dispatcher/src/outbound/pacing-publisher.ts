// Publishes a job held back by its integration's rate limit to a pacing queue; when the queue's TTL
// expires RabbitMQ dead-letters it back to the jobs exchange.
import type { Broker } from '@hookway/broker';
import { publishJobMessage, type JobMessage, type JobPublishOptions } from '@hookway/contracts';
import type { PacingPublisher } from '../domain/rate-limiter.js';

export class BrokerPacingPublisher implements PacingPublisher {
  constructor(private readonly broker: Broker) {}

  get tiersMs(): number[] {
    return this.broker.topology.pacingTiers.map((tier) => tier.delayMs);
  }

  async publishPaced(message: JobMessage, delayMs: number, correlationId: string, options?: JobPublishOptions): Promise<void> {
    const { exchanges, pacingTiers } = this.broker.topology;
    const tier = pacingTiers.find((candidate) => candidate.delayMs === delayMs);
    if (!tier) throw new Error(`no pacing tier of ${delayMs} ms in the topology`);
    await publishJobMessage(this.broker, { exchange: exchanges.retry, routingKey: tier.label }, message, correlationId, options);
  }
}
