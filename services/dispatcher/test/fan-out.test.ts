import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { seedWorkspace, startReceiver, waitFor, type Receiver } from '@hookway/testing';
import {
  attemptsOf, consecutiveFailures, jobsOf, startDispatcher, uniqueProvider, waitForEventStatus, type DispatcherFixture,
} from './dispatcher-fixture.js';

// Prefetch 1 makes the events queue strictly ordered, so a later "sentinel" message proves that an
// earlier duplicate has been handled completely.
describe('dispatcher fan-out', () => {
  let fx: DispatcherFixture;
  const receivers: Receiver[] = [];
  const receiver = async (): Promise<Receiver> => {
    const started = await startReceiver();
    receivers.push(started);
    return started;
  };

  beforeAll(async () => {
    fx = await startDispatcher('dispfanout', { DISPATCHER_PREFETCH: '1' });
  });

  afterAll(async () => {
    await fx.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  /** Publishes an unrelated event and waits for it: with prefetch 1 everything before it was handled. */
  const drainEvents = async (): Promise<void> => {
    const provider = uniqueProvider('sentinel');
    const eventId = await fx.insertEvent({ provider, type: 'sentinel' });
    await fx.publishEvent({ kind: 'event', eventId, provider, type: 'sentinel' });
    await waitForEventStatus(fx.db, eventId, 'processed');
  };

  it('when an event matches an integration, delivers it once, signed so a Standard Webhooks verifier accepts it', async () => {
    const provider = uniqueProvider('acme');
    const sink = await receiver();
    const integration = await fx.insertIntegration({ provider, url: `${sink.url}/hooks`, eventTypes: ['order.created'], consecutiveFailures: 3 });
    const eventId = await fx.insertEvent({ provider, type: 'order.created', subject: 'customer/7', data: { orderId: 'ord_9', total: 12.5 } });
    const correlationId = `corr-${randomUUID()}`;

    await fx.publishEvent({ kind: 'event', eventId, provider, type: 'order.created' }, correlationId);

    expect(await waitForEventStatus(fx.db, eventId, 'processed', 'failed')).toBe('processed');
    expect(sink.requests).toHaveLength(1);
    const request = sink.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/hooks');
    const verified = new Webhook(integration.secret).verify(request.body, {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    });
    expect(verified).toEqual({
      id: eventId, type: 'order.created', provider, occurredAt: '2026-11-22T10:00:00.000Z', subject: 'customer/7', data: { orderId: 'ord_9', total: 12.5 },
    });
    expect(request.headers['webhook-id']).toBe(eventId);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toBe('Hookway/0.1');

    const [job] = await jobsOf(fx.db, eventId);
    expect(job).toMatchObject({ integration_id: integration.id, status: 'succeeded', attempt_count: 1, max_attempts: 3, replay_request_id: null });
    expect(job!.completed_at).toBeInstanceOf(Date);
    const [attempt] = await attemptsOf(fx.db, eventId);
    expect(attempt).toMatchObject({ attempt_number: 1, status: 'success', status_code: 200, error_code: null, request_url: `${sink.url}/hooks` });
    expect(attempt!.request_headers['webhook-signature']).toBe(request.headers['webhook-signature']);
    expect(await consecutiveFailures(fx.db, integration.id)).toBe(0);

    const fact = await fx.waitForAudit(`job.delivered:${job!.id}`);
    expect(fact).toMatchObject({
      entityType: 'job', entityId: job!.id, action: 'delivered', actor: 'dispatcher', correlationId,
      details: { eventId, integrationId: integration.id, attempt: 1, statusCode: 200, errorCode: null },
    });
  });

  it('adds the integration\'s custom headers but never lets them override reserved ones', async () => {
    const provider = uniqueProvider('acme');
    const sink = await receiver();
    await fx.insertIntegration({
      provider,
      url: sink.url,
      eventTypes: ['*'],
      headers: {
        'x-tenant': 'tenant-42',
        Authorization: 'Bearer subscriber-token',
        'Content-Type': 'text/plain',
        'webhook-id': 'forged',
        'Webhook-Signature': 'v1,forged',
        'user-agent': 'evil/1.0',
        host: 'evil.example',
        connection: 'close',
      },
    });
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });

    await fx.publishEvent({ kind: 'event', eventId, provider, type: 'order.created' });

    await waitForEventStatus(fx.db, eventId, 'processed', 'failed');
    const { headers } = sink.requests[0]!;
    expect(headers['x-tenant']).toBe('tenant-42');
    expect(headers.authorization).toBe('Bearer subscriber-token');
    expect(headers['content-type']).toBe('application/json');
    expect(headers['webhook-id']).toBe(eventId);
    expect(headers['webhook-signature']).toMatch(/^v1,/);
    expect(headers['user-agent']).toBe('Hookway/0.1');
    expect(headers.host).toBe(`127.0.0.1:${sink.port}`);
  });

  it('gives exact and glob subscriptions a job, and non-matching, other-provider and paused integrations none', async () => {
    const provider = uniqueProvider('acme');
    const sink = await receiver();
    const subscribe = (path: string, eventTypes: string[], extra: { state?: 'paused' | 'disabled'; provider?: string } = {}) =>
      fx.insertIntegration({ provider: extra.provider ?? provider, url: `${sink.url}/${path}`, eventTypes, ...(extra.state ? { state: extra.state } : {}) });
    const matching = await Promise.all([
      subscribe('exact', ['order.created']),
      subscribe('segment-glob', ['invoice.paid', 'order.*']),
      subscribe('catch-all', ['*']),
      subscribe('deep-glob', ['order.**']),
    ]);
    await Promise.all([
      subscribe('other-type', ['invoice.*']),
      subscribe('too-deep', ['order.*.created']),
      subscribe('nothing', []),
      subscribe('paused', ['*'], { state: 'paused' }),
      subscribe('disabled', ['order.created'], { state: 'disabled' }),
      subscribe('other-provider', ['*'], { provider: uniqueProvider('globex') }),
    ]);
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });

    await fx.publishEvent({ kind: 'event', eventId, provider, type: 'order.created' });

    expect(await waitForEventStatus(fx.db, eventId, 'processed', 'failed')).toBe('processed');
    const jobs = await jobsOf(fx.db, eventId);
    expect(jobs.map((job) => job.integration_id).sort()).toEqual(matching.map((integration) => integration.id).sort());
    expect(sink.requests.map((request) => request.path).sort()).toEqual(['/catch-all', '/deep-glob', '/exact', '/segment-glob']);
  });

  it('gives jobs only to the subscribers in the event\'s own workspace', async () => {
    const provider = uniqueProvider('acme');
    const sink = await receiver();
    const [teamA, teamB] = [await seedWorkspace(fx.db), await seedWorkspace(fx.db)];
    const inDefault = await fx.insertIntegration({ provider, url: `${sink.url}/default`, eventTypes: ['*'] });
    const inA = await fx.insertIntegration({ provider, url: `${sink.url}/team-a`, eventTypes: ['*'], workspaceId: teamA });
    await fx.insertIntegration({ provider, url: `${sink.url}/team-b`, eventTypes: ['*'], workspaceId: teamB });
    const eventOfA = await fx.insertEvent({ provider, type: 'order.created', workspaceId: teamA });
    const eventOfDefault = await fx.insertEvent({ provider, type: 'order.created' });

    await fx.publishEvent({ kind: 'event', eventId: eventOfA, provider, type: 'order.created' });
    await fx.publishEvent({ kind: 'event', eventId: eventOfDefault, provider, type: 'order.created' });

    expect(await waitForEventStatus(fx.db, eventOfA, 'processed', 'failed')).toBe('processed');
    expect(await waitForEventStatus(fx.db, eventOfDefault, 'processed', 'failed')).toBe('processed');
    expect((await jobsOf(fx.db, eventOfA)).map((job) => job.integration_id)).toEqual([inA.id]);
    expect((await jobsOf(fx.db, eventOfDefault)).map((job) => job.integration_id)).toEqual([inDefault.id]);
    expect(sink.requests.map((request) => request.path).sort()).toEqual(['/default', '/team-a']);
    // Its delivery's audit fact is its workspace's (a workspace key lists it).
    const [jobOfA] = await jobsOf(fx.db, eventOfA);
    expect((await fx.waitForAudit(`job.delivered:${jobOfA!.id}`)).workspaceId).toBe(teamA);
  });

  it('marks an event that no integration subscribes to processed, with no jobs', async () => {
    const provider = uniqueProvider('acme');
    const sink = await receiver();
    await fx.insertIntegration({ provider, url: sink.url, eventTypes: ['invoice.paid'] });
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });

    await fx.publishEvent({ kind: 'event', eventId, provider, type: 'order.created' });

    expect(await waitForEventStatus(fx.db, eventId, 'processed')).toBe('processed');
    expect(await jobsOf(fx.db, eventId)).toHaveLength(0);
    expect(sink.requests).toHaveLength(0);
  });

  it('when the fan-out message is redelivered, creates no extra jobs and publishes what the first run left unpublished', async () => {
    const provider = uniqueProvider('acme');
    const sink = await receiver();
    const first = await fx.insertIntegration({ provider, url: `${sink.url}/first`, eventTypes: ['order.created'] });
    const second = await fx.insertIntegration({ provider, url: `${sink.url}/second`, eventTypes: ['order.*'] });
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });
    // A previous run crashed after creating this job and before publishing it.
    await fx.db('delivery_jobs').insert({ event_id: eventId, integration_id: first.id, status: 'pending', attempt_count: 0, max_attempts: 3 });

    const message = { kind: 'event' as const, eventId, provider, type: 'order.created' };
    await fx.publishEvent(message);
    await fx.publishEvent(message);
    await drainEvents();

    expect(await waitForEventStatus(fx.db, eventId, 'processed', 'failed')).toBe('processed');
    const jobs = await jobsOf(fx.db, eventId);
    expect(jobs.map((job) => job.integration_id).sort()).toEqual([first.id, second.id].sort());
    expect(jobs.every((job) => job.status === 'succeeded' && job.attempt_count === 1)).toBe(true);
    expect(sink.requests.map((request) => request.path).sort()).toEqual(['/first', '/second']);
    expect(await attemptsOf(fx.db, eventId)).toHaveLength(2);
  });

  it('replay creates a fresh job for a finished event, marks the request dispatched, and its redelivery creates nothing more', async () => {
    const provider = uniqueProvider('acme');
    const sink = await receiver();
    // The first delivery dies (a 4xx is not retried), the replay succeeds: the event's status follows the latest job.
    sink.reply((_request, index) => (index === 0 ? { status: 400, body: 'bad' } : { status: 200, body: 'ok' }));
    const integration = await fx.insertIntegration({ provider, url: sink.url, eventTypes: ['order.created'] });
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });
    await fx.publishEvent({ kind: 'event', eventId, provider, type: 'order.created' });
    expect(await waitForEventStatus(fx.db, eventId, 'failed', 'processed')).toBe('failed');

    const replayRequestId = randomUUID();
    await fx.db('replay_requests').insert({ id: replayRequestId, event_id: eventId, requested_by: 'ops@example.com', reason: 'endpoint fixed' });
    const replay = { kind: 'replay' as const, eventId, provider, type: 'order.created', replayRequestId };
    await fx.publishEvent(replay, 'corr-replay');
    await fx.publishEvent(replay, 'corr-replay');
    await drainEvents();

    expect(await waitForEventStatus(fx.db, eventId, 'processed')).toBe('processed');
    const jobs = await jobsOf(fx.db, eventId);
    expect(jobs).toHaveLength(2);
    expect(jobs[1]).toMatchObject({ integration_id: integration.id, replay_request_id: replayRequestId, status: 'succeeded' });
    expect(jobs[0]).toMatchObject({ replay_request_id: null, status: 'dead' });
    expect(sink.requests).toHaveLength(2);
    expect(sink.requests[1]!.headers['webhook-id']).toBe(eventId);

    const request = (await fx.db('replay_requests').where({ id: replayRequestId }).first()) as { status: string; job_count: number; dispatched_at: Date | null };
    expect(request).toMatchObject({ status: 'dispatched', job_count: 1 });
    expect(request.dispatched_at).toBeInstanceOf(Date);
    const fact = await fx.waitForAudit(`replay.dispatched:${replayRequestId}`);
    expect(fact).toMatchObject({ entityType: 'replay', entityId: replayRequestId, action: 'dispatched', details: { eventId, jobCount: 1 }, correlationId: 'corr-replay' });
  });

  it('a replay scoped to one integration gives a job to that integration only, even paused or no longer subscribed (then parked)', async () => {
    const provider = uniqueProvider('acme');
    const sink = await receiver();
    const target = await fx.insertIntegration({ provider, url: `${sink.url}/target`, eventTypes: ['order.created'] });
    const other = await fx.insertIntegration({ provider, url: `${sink.url}/other`, eventTypes: ['order.*'] });
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });
    await fx.publishEvent({ kind: 'event', eventId, provider, type: 'order.created' });
    expect(await waitForEventStatus(fx.db, eventId, 'processed')).toBe('processed');
    const original = (await jobsOf(fx.db, eventId)).find((job) => job.integration_id === target.id)!;

    const replay = async (integrationId: string, sourceJobId: string | null): Promise<string> => {
      const replayRequestId = randomUUID();
      await fx.db('replay_requests').insert({
        id: replayRequestId, event_id: eventId, requested_by: 'ops@example.com', reason: 'dead letter replay',
        integration_id: integrationId, source_job_id: sourceJobId,
      });
      await fx.publishEvent({ kind: 'replay', eventId, provider, type: 'order.created', replayRequestId });
      await drainEvents();
      return replayRequestId;
    };

    const scoped = await replay(target.id, original.id);

    expect(await waitForEventStatus(fx.db, eventId, 'processed')).toBe('processed');
    const jobs = await jobsOf(fx.db, eventId);
    expect(jobs.filter((job) => job.replay_request_id === scoped)).toEqual([
      expect.objectContaining({ integration_id: target.id, status: 'succeeded', attempt_count: 1 }),
    ]);
    expect(sink.requests.map((request) => request.path).sort()).toEqual(['/other', '/target', '/target']);
    expect(await fx.db('replay_requests').where({ id: scoped }).first()).toMatchObject({ status: 'dispatched', job_count: 1 });

    await fx.db('integrations').where({ id: other.id }).update({ state: 'paused', event_types: JSON.stringify(['invoice.*']) });
    const toPaused = await replay(other.id, null);

    await waitFor(async () => (await jobsOf(fx.db, eventId)).find((job) => job.replay_request_id === toPaused)?.status === 'parked',
      { what: 'the replayed job of the paused integration to be parked' });
    expect(await waitForEventStatus(fx.db, eventId, 'processing')).toBe('processing');
    expect(sink.requests).toHaveLength(3);
  });

  it('dead-letters poison messages, unknown events and replays that do not belong to the event', async () => {
    const provider = uniqueProvider('acme');
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });
    const otherEventId = await fx.insertEvent({ provider, type: 'order.created' });
    const foreignReplay = randomUUID();
    await fx.db('replay_requests').insert({ id: foreignReplay, event_id: otherEventId, requested_by: 'ops', reason: 'x' });
    const unknownEvent = randomUUID();
    await fx.deadLetters();

    await fx.broker.publish(fx.queues.topology.exchanges.events, 'acme.x', { not: 'an event' });
    await fx.publishEvent({ kind: 'event', eventId: unknownEvent, provider, type: 'order.created' });
    await fx.publishEvent({ kind: 'replay', eventId, provider, type: 'order.created', replayRequestId: foreignReplay });
    await fx.publishEvent({ kind: 'replay', eventId, provider, type: 'order.created' });
    await fx.broker.publish(fx.queues.topology.exchanges.jobs, fx.queues.topology.jobRoutingKey, { jobId: 'nope', attempt: 0 });

    const dead: Array<{ reason: string; sourceQueue?: string }> = [];
    await waitFor(async () => {
      dead.push(...(await fx.deadLetters()));
      return dead.length >= 5;
    }, { what: 'five dead letters' });
    const reasons = dead.map((letter) => letter.reason);
    expect(reasons).toEqual(expect.arrayContaining([
      expect.stringContaining('schema'),
      `event ${unknownEvent} does not exist`,
      `replay request ${foreignReplay} does not exist for event ${eventId}`,
      'replay message without replayRequestId',
    ]));
    expect(dead.filter((letter) => letter.sourceQueue === fx.queues.topology.queues.jobs)).toHaveLength(1);
    expect(dead.filter((letter) => letter.sourceQueue === fx.queues.topology.queues.events)).toHaveLength(4);
    expect(await jobsOf(fx.db, eventId)).toHaveLength(0);
  });
});
