import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Broker, BrokerUnavailableError } from '@hookway/broker';
import { OutboxRelay } from '@hookway/db';
import { silentLogger, waitFor } from '@hookway/testing';
import { ReplayRequestRepository } from '../src/data-access/replay-request.repository.js';
import { ReplayService } from '../src/domain/replay.service.js';
import { dataOf, errorOf, insertEvent, RETRY_SCHEDULE_MS, startManagement, type ManagementFixture } from './management-fixture.js';

interface ReplayRow {
  id: string;
  event_id: string;
  requested_by: string;
  reason: string;
  status: string;
  correlation_id: string | null;
  published_at: Date | null;
}

describe('POST /events/:id/replay and the replay outbox', () => {
  let fx: ManagementFixture;
  let eventId: string;
  // A second connection: it checks routing keys (which the fixture's catch-all queue cannot show) and
  // plays the working broker in the outage test.
  let observer: Broker;

  beforeAll(async () => {
    fx = await startManagement('mgmt-replay');
    eventId = await insertEvent(fx.db, { provider: 'acme', type: 'order.created', status: 'failed' });
    observer = await Broker.connect({ url: fx.config.rabbitmqUrl, prefix: fx.broker.prefix, retryScheduleMs: RETRY_SCHEDULE_MS, logger: silentLogger() });
  });

  afterAll(async () => {
    await observer.close();
    await fx.close();
  });

  const replayRow = async (id: string): Promise<ReplayRow | undefined> =>
    (await fx.db('replay_requests').where({ id }).first()) as ReplayRow | undefined;

  it('accepts with 202, persists the request, and publishes the replay event and its audit fact', async () => {
    const routed = await observer.withChannel(async (channel) => {
      const { queue } = await channel.assertQueue('', { exclusive: true, durable: false });
      await channel.bindQueue(queue, fx.broker.topology.exchanges.events, 'acme.order.created');
      return queue;
    });

    const response = await fx.post(`/api/v1/events/${eventId}/replay`).set('x-request-id', 'replay-req-1')
      .send({ requestedBy: 'ops-user', reason: 'Replay after downstream outage' });
    expect(response.status).toBe(202);
    const { replayRequestId } = dataOf<{ replayRequestId: string }>(response);
    expect(dataOf(response)).toEqual({ replayRequestId, eventId });

    const row = await replayRow(replayRequestId);
    expect(row).toMatchObject({
      event_id: eventId, requested_by: 'ops-user', reason: 'Replay after downstream outage', status: 'pending', correlation_id: 'replay-req-1',
    });
    expect(row?.published_at).toBeInstanceOf(Date);

    const message = await fx.broker.take(fx.broker.topology.queues.events);
    expect(message?.body).toEqual({ kind: 'replay', eventId, replayRequestId, provider: 'acme', type: 'order.created' });
    expect(message?.properties).toMatchObject({ messageId: replayRequestId, correlationId: 'replay-req-1' });
    const viaRoutingKey = await observer.withChannel(async (channel) => {
      const got = await channel.get(routed, { noAck: true });
      await channel.deleteQueue(routed);
      return got;
    });
    expect(viaRoutingKey && JSON.parse(viaRoutingKey.content.toString('utf8'))).toMatchObject({ replayRequestId });

    const audit = await fx.broker.take(fx.broker.topology.queues.audit);
    expect(audit?.body).toMatchObject({
      factId: `replay.requested:${replayRequestId}`, entityType: 'replay', entityId: replayRequestId, action: 'requested',
      actor: 'ops-user', correlationId: 'replay-req-1', details: { eventId, reason: 'Replay after downstream outage' },
    });
  });

  it.each([
    ['the reason is missing', { requestedBy: 'ops-user' }],
    ['requestedBy is blank', { requestedBy: '   ', reason: 'why' }],
    ['requestedBy is longer than 200 characters', { requestedBy: 'x'.repeat(201), reason: 'why' }],
    ['the reason is longer than 1000 characters', { requestedBy: 'ops', reason: 'x'.repeat(1001) }],
    ['the body is an array', [{ requestedBy: 'ops', reason: 'why' }]],
  ])('when %s, returns 400 VALIDATION_ERROR and persists nothing', async (_case, body) => {
    const before = await fx.db('replay_requests').count<{ count: number }[]>({ count: '*' }).first();
    const response = await fx.post(`/api/v1/events/${eventId}/replay`).send(body);
    expect(response.status).toBe(400);
    expect(errorOf(response).code).toBe('VALIDATION_ERROR');
    const after = await fx.db('replay_requests').count<{ count: number }[]>({ count: '*' }).first();
    expect(after?.count).toBe(before?.count);
  });

  it('when the body is not JSON, returns 400 INVALID_PAYLOAD', async () => {
    const response = await fx.post(`/api/v1/events/${eventId}/replay`).set('content-type', 'application/json').send('{"requestedBy":');
    expect(response.status).toBe(400);
    expect(errorOf(response).code).toBe('INVALID_PAYLOAD');
  });

  it('when the event does not exist (or the id is not a uuid), returns 404 EVENT_NOT_FOUND and persists nothing', async () => {
    for (const id of [crypto.randomUUID(), 'nope']) {
      const response = await fx.post(`/api/v1/events/${id}/replay`).send({ requestedBy: 'ops', reason: 'why' });
      expect([response.status, errorOf(response).code]).toEqual([404, 'EVENT_NOT_FOUND']);
    }
    expect(await fx.db('replay_requests').whereNot({ event_id: eventId }).first()).toBeUndefined();
  });

  it('when a replay request was committed but never published, the relay publishes it and sets published_at', async () => {
    const [row] = await fx.db('replay_requests').insert({
      event_id: eventId, requested_by: 'night-shift', reason: 'broker was down', status: 'pending', correlation_id: 'relay-corr',
      created_at: new Date(Date.now() - 60 * 60 * 1000).toISOString(),
    }).returning<{ id: string }[]>('id');
    const replayRequestId = row!.id;

    const published = await waitFor(async () => (await replayRow(replayRequestId))?.published_at ?? undefined, { what: 'the relay to publish' });
    expect(published).toBeInstanceOf(Date);
    const message = await waitFor(() => fx.broker.take(fx.broker.topology.queues.events).then((m) => m ?? undefined), { what: 'the event message' });
    expect(message.body).toEqual({ kind: 'replay', eventId, replayRequestId, provider: 'acme', type: 'order.created' });
    expect(message.properties.messageId).toBe(replayRequestId);
    const audit = await waitFor(() => fx.broker.take(fx.broker.topology.queues.audit).then((m) => m ?? undefined), { what: 'the audit fact' });
    expect(audit.body).toMatchObject({ factId: `replay.requested:${replayRequestId}`, actor: 'night-shift', correlationId: 'relay-corr' });
  });

  it('when the broker refuses the publish, the request is still accepted and a relay pass publishes it later', async () => {
    const repository = new ReplayRequestRepository(fx.db);
    const refusing = {
      publish: () => Promise.reject(new BrokerUnavailableError()),
      publishAudit: () => Promise.reject(new BrokerUnavailableError()),
    };
    const offline = new ReplayService(repository, refusing, fx.broker.topology.exchanges.events, silentLogger());
    const accepted = await offline.request({ eventId, requestedBy: 'ops', reason: 'during an outage', correlationId: 'outage-1' }, {});
    expect(accepted).toMatchObject({ eventId, published: false });
    expect((await replayRow(accepted.replayRequestId))?.published_at).toBeNull();

    // The same publishing function, now with a working broker, run as the relay runs it.
    const online = new ReplayService(repository, observer, fx.broker.topology.exchanges.events, silentLogger());
    const relay = new OutboxRelay(online.outboxSource(), { db: fx.db, logger: silentLogger(), name: 'test', intervalMs: 60_000, graceMs: 0 });
    await waitFor(async () => (await relay.runOnce()) > 0 || undefined, { what: 'a relay pass that publishes' });
    expect((await replayRow(accepted.replayRequestId))?.published_at).toBeInstanceOf(Date);
    const message = await waitFor(() => fx.broker.take(fx.broker.topology.queues.events).then((m) => m ?? undefined), { what: 'the event message' });
    expect(message.body).toMatchObject({ kind: 'replay', replayRequestId: accepted.replayRequestId });
  });
});
