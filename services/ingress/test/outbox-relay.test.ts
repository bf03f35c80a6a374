import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedWorkspace, waitFor } from '@hookway/testing';
import { startHarness, takeMatching, type Harness } from './support.js';

describe('events outbox relay', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness('ingressrelay');
  });

  afterAll(async () => {
    await harness.stop();
  });

  const insertUnpublished = async (receivedAgoMs: number, workspaceId?: string): Promise<string> => {
    const id = crypto.randomUUID();
    await harness.database.db('events').insert({
      id,
      ...(workspaceId ? { workspace_id: workspaceId } : {}),
      provider: 'globex',
      external_id: `relay_${id}`,
      type: 'invoice.paid',
      occurred_at: new Date('2026-11-22T09:00:00Z'),
      subject: 'inv_1',
      data: JSON.stringify({ id: 'inv_1' }),
      status: 'pending',
      received_at: new Date(Date.now() - receivedAgoMs),
      raw_headers: JSON.stringify({}),
      raw_body: '{}',
      correlation_id: `corr-${id}`,
    });
    return id;
  };

  const publishedAt = async (id: string): Promise<Date | null> =>
    (await harness.database.db('events').where({ id }).first<{ published_at: Date | null }>('published_at')).published_at;

  it('when an accepted event was never confirmed by the broker, publishes its message and audit fact and marks it published', async () => {
    const workspaceId = await seedWorkspace(harness.database.db);
    const stranded = await insertUnpublished(60_000, workspaceId);
    const inFlight = await insertUnpublished(0);

    const message = await takeMatching(harness.broker, harness.broker.topology.queues.events, (body) => body.eventId === stranded);
    expect(message.body).toEqual({ kind: 'event', eventId: stranded, provider: 'globex', type: 'invoice.paid' });
    expect(message.properties).toMatchObject({ messageId: stranded, correlationId: `corr-${stranded}` });

    const fact = await takeMatching(harness.broker, harness.broker.topology.queues.audit, (body) => body.factId === `event.received:${stranded}`);
    // The fact names the event's workspace, as the request path's does.
    expect(fact.body).toMatchObject({ entityId: stranded, action: 'received', actor: 'provider:globex', workspaceId });

    await waitFor(async () => (await publishedAt(stranded)) ?? undefined, { what: 'the relayed row to be marked published' });

    // A row still inside the grace window belongs to the request that wrote it: several relay passes leave
    // it alone. Each stranded row inserted after it and relayed proves one more pass saw it and passed it by.
    for (let pass = 0; pass < 3; pass += 1) {
      const later = await insertUnpublished(60_000);
      await waitFor(async () => (await publishedAt(later)) ?? undefined, { what: `stranded row ${pass + 1} to be relayed` });
      expect(await publishedAt(inFlight)).toBeNull();
    }
  });
});
