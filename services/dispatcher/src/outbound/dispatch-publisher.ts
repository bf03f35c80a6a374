// Publishes what the dispatcher produces: job messages (one per attempt) and audit facts.
import type { Broker } from '@hookway/broker';
import type { AuditFact, JobMessage } from '@hookway/contracts';
import type { DispatchPublisher } from '../domain/ports.js';

export class BrokerDispatchPublisher implements DispatchPublisher {
  constructor(private readonly broker: Broker) {}

  async publishJob(message: JobMessage, correlationId: string): Promise<void> {
    const { exchanges, jobRoutingKey } = this.broker.topology;
    await this.broker.publish(exchanges.jobs, jobRoutingKey, message, {
      messageId: `${message.jobId}:${message.attempt}`,
      correlationId,
      type: 'job',
    });
  }

  async publishAudit(fact: AuditFact): Promise<void> {
    await this.broker.publishAudit(fact);
  }
}
