// The messages an accepted event owes the rest of the system: the fan-out message for the dispatcher and
// the `event.received` audit fact. Both the request path and the outbox relay publish through here,
// so a relayed event is indistinguishable from one published at once.
import { auditFact, eventMessage, publishEventMessage, type AuditFact } from '@hookway/contracts';
import type { AuditPublishOptions, PublishOptions } from '@hookway/broker';

/** The part of the broker that publishing needs (tests may pass a real Broker or a stand-in). */
export interface MessagePublisher {
  readonly topology: { exchanges: { events: string } };
  publish(exchange: string, routingKey: string, body: unknown, options?: PublishOptions): Promise<void>;
  publishAudit(fact: AuditFact, options?: AuditPublishOptions): Promise<void>;
}

/** What the messages are built from: a row of the events table. */
export interface OutboxEvent {
  id: string;
  /** Its workspace, which its event.received fact names. */
  workspaceId: string;
  provider: string;
  externalId: string;
  type: string;
  correlationId: string | null;
}

/**
 * Publishes both messages and resolves once the broker confirmed them; throws when it could not. They go
 * out together (one write, confirms awaited side by side): nothing orders them, and when either fails
 * the event stays unpublished, so the relay sends both again (the dispatcher and the audit log each
 * ignore a copy they already have). `lingerAudit`: the fact may wait for company (the request path's
 * events, each released on its own); the relay, which publishes its rows one after the other, never lets it.
 */
export async function publishEventMessages(
  broker: MessagePublisher, event: OutboxEvent, { lingerAudit = false }: { lingerAudit?: boolean } = {},
): Promise<void> {
  const correlation = event.correlationId ? { correlationId: event.correlationId } : {};
  await Promise.all([
    publishEventMessage(broker, broker.topology.exchanges.events, eventMessage(event), event.correlationId),
    broker.publishAudit(auditFact({
      factId: `event.received:${event.id}`,
      entityType: 'event',
      entityId: event.id,
      action: 'received',
      actor: `provider:${event.provider}`,
      ...correlation,
      details: { provider: event.provider, type: event.type, externalId: event.externalId },
      workspaceId: event.workspaceId,
    }), { linger: lingerAudit }),
  ]);
}
