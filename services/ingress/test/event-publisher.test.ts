import { describe, expect, it } from '@jest/globals';
import type { AuditFact } from '@hookway/contracts';
import { publishEventMessages, type MessagePublisher, type OutboxEvent } from '../src/domain/event-publisher.js';

// A publisher whose confirms the test hands out itself, to see what is in flight at once.
function heldPublisher(): MessagePublisher & { sent: string[]; confirm(index: number, error?: Error): void } {
  const pending: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  const hold = (label: string): Promise<void> => new Promise<void>((resolve, reject) => {
    publisher.sent.push(label);
    pending.push({ resolve, reject });
  });
  const publisher = {
    sent: [] as string[],
    topology: { exchanges: { events: 'px.events' } },
    publish: (_exchange: string, routingKey: string) => hold(`event ${routingKey}`),
    publishAudit: (fact: AuditFact) => hold(`fact ${fact.factId}`),
    confirm: (index: number, error?: Error) => {
      const held = pending[index]!;
      if (error) held.reject(error);
      else held.resolve();
    },
  };
  return publisher;
}

const event: OutboxEvent = { id: 'e-1', workspaceId: '00000000-0000-0000-0000-000000000001', provider: 'acme', externalId: 'x-1', type: 'order.created', correlationId: 'c-1' };

describe('publishEventMessages', () => {
  it('sends the event message and its event.received fact together, and resolves once both are confirmed', async () => {
    const publisher = heldPublisher();
    let settled = false;
    const published = publishEventMessages(publisher, event).then(() => {
      settled = true;
    });
    // Both are on their way before either is confirmed.
    expect(publisher.sent).toEqual(['event acme.order.created', 'fact event.received:e-1']);
    publisher.confirm(1);
    await Promise.resolve();
    expect(settled).toBe(false);
    publisher.confirm(0);
    await published;
    expect(settled).toBe(true);
  });

  it('fails when the fact is not confirmed, so the event stays unpublished for the relay', async () => {
    const publisher = heldPublisher();
    const published = publishEventMessages(publisher, event);
    publisher.confirm(0);
    publisher.confirm(1, new Error('nack'));
    await expect(published).rejects.toThrow('nack');
  });
});
