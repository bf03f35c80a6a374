// Publishes what the dispatcher produces: job messages (one per attempt, later attempts through the
// retry tiers), dead letters of jobs, and audit facts.
import type { AuditPublishOptions, Broker } from '@hookway/broker';
import { publishJobMessage, type AuditFact, type DeadMessage, type JobMessage, type JobPublishOptions } from '@hookway/contracts';
import type { DispatchPublisher } from '../domain/ports.js';

export class BrokerDispatchPublisher implements DispatchPublisher {
  constructor(private readonly broker: Broker) {}

  async publishJob(message: JobMessage, correlationId: string, options?: JobPublishOptions): Promise<void> {
    const { exchanges, jobRoutingKey } = this.broker.topology;
    await publishJobMessage(this.broker, { exchange: exchanges.jobs, routingKey: jobRoutingKey }, message, correlationId, options);
  }

  async publishRetry(message: JobMessage, delayMs: number, correlationId: string): Promise<void> {
    if (delayMs <= 0) {
      await this.publishJob(message, correlationId);
      return;
    }
    const { exchanges, retryTiers } = this.broker.topology;
    // The tier queue's TTL is the delay; when it expires RabbitMQ dead-letters the message to the jobs exchange.
    const tier = retryTiers.find((candidate) => candidate.delayMs === delayMs);
    if (!tier) throw new Error(`no retry tier of ${delayMs} ms in the topology`);
    await publishJobMessage(this.broker, { exchange: exchanges.retry, routingKey: tier.label }, message, correlationId);
  }

  async publishDead(message: DeadMessage, correlationId: string): Promise<void> {
    await this.broker.publishDead(message, correlationId);
  }

  async publishAudit(fact: AuditFact, options?: AuditPublishOptions): Promise<void> {
    await this.broker.publishAudit(fact, options);
  }
}
