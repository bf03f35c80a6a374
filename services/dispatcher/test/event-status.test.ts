// The event status roll-up lives in the database (hookway_event_status and hookway_refresh_event_status,
// migration 003), so every writer refreshes it in one round trip; these tests hold it to the rule.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EventStatus, JobStatus } from '@hookway/contracts';
import { EventRepository } from '../src/data-access/event.repository.js';
import { JobRepository } from '../src/data-access/job.repository.js';
import { startDispatcher, uniqueProvider, type DispatcherFixture } from './dispatcher-fixture.js';

let fx: DispatcherFixture;

beforeAll(async () => {
  fx = await startDispatcher('event-status', {}, { deferStart: true });
});

afterAll(async () => {
  await fx.close();
});

async function rollUp(statuses: JobStatus[]): Promise<EventStatus> {
  const { rows } = await fx.db.raw<{ rows: Array<{ status: EventStatus }> }>('SELECT hookway_event_status(CAST(? AS text[])) AS status', [statuses]);
  return rows[0]!.status;
}

describe('hookway_event_status', () => {
  it('is processed when no integration subscribes (no jobs) or every job succeeded', async () => {
    expect(await rollUp([])).toBe('processed');
    expect(await rollUp(['succeeded', 'succeeded'])).toBe('processed');
  });

  it('is processing while any job is pending, delivering or parked and none waits for a retry', async () => {
    expect(await rollUp(['pending', 'failed'])).toBe('processing');
    expect(await rollUp(['delivering', 'dead'])).toBe('processing');
    expect(await rollUp(['parked', 'succeeded'])).toBe('processing');
  });

  it('is retrying while any job waits for a retry, whatever the others', async () => {
    expect(await rollUp(['retrying', 'succeeded', 'dead'])).toBe('retrying');
    expect(await rollUp(['delivering', 'retrying'])).toBe('retrying');
    expect(await rollUp(['pending', 'parked', 'retrying'])).toBe('retrying');
  });

  it('is failed once all jobs are terminal and any failed or died', async () => {
    expect(await rollUp(['succeeded', 'failed'])).toBe('failed');
    expect(await rollUp(['dead'])).toBe('failed');
  });
});

describe('refreshStatuses (hookway_refresh_event_status)', () => {
  async function insertJob(eventId: string, integrationId: string, status: JobStatus, createdAt: Date, replayRequestId: string | null = null): Promise<void> {
    await fx.db('delivery_jobs').insert({
      event_id: eventId, integration_id: integrationId, replay_request_id: replayRequestId, status, attempt_count: 1, max_attempts: 3, created_at: createdAt,
    });
  }

  it('stores the roll-up of each integration\'s latest job: a replay that succeeded clears an earlier dead job', async () => {
    const provider = uniqueProvider('status');
    const first = await fx.insertIntegration({ provider, url: 'https://example.com/a', eventTypes: ['*'] });
    const second = await fx.insertIntegration({ provider, url: 'https://example.com/b', eventTypes: ['*'] });
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });
    const events = new EventRepository(fx.db);

    await insertJob(eventId, first.id, 'dead', new Date('2026-11-22T10:00:00Z'));
    await insertJob(eventId, second.id, 'succeeded', new Date('2026-11-22T10:00:00Z'));
    expect((await events.refreshStatuses([eventId])).get(eventId)).toBe('failed');
    expect((await fx.db('events').where({ id: eventId }).first<{ status: string }>('status'))?.status).toBe('failed');

    const [replay] = await fx.db('replay_requests')
      .insert({ event_id: eventId, requested_by: 'test', reason: 'test', integration_id: first.id })
      .returning<Array<{ id: string }>>('id');
    await insertJob(eventId, first.id, 'succeeded', new Date('2026-11-22T11:00:00Z'), replay!.id);
    expect((await events.refreshStatuses([eventId])).get(eventId)).toBe('processed');
    expect((await fx.db('events').where({ id: eventId }).first<{ status: string }>('status'))?.status).toBe('processed');
  });

  it('rolls up several events in one call, each from its own jobs, and leaves out an event that does not exist', async () => {
    const provider = uniqueProvider('status');
    const integration = await fx.insertIntegration({ provider, url: 'https://example.com/a', eventTypes: ['*'] });
    const [done, waiting, untouched] = [
      await fx.insertEvent({ provider, type: 'order.created' }),
      await fx.insertEvent({ provider, type: 'order.created' }),
      await fx.insertEvent({ provider, type: 'order.created' }),
    ];
    await insertJob(done, integration.id, 'succeeded', new Date('2026-11-22T10:00:00Z'));
    await insertJob(waiting, integration.id, 'retrying', new Date('2026-11-22T10:00:00Z'));
    const missing = randomUUID();

    const statuses = await new EventRepository(fx.db).refreshStatuses([waiting, missing, done, waiting]);

    expect(Object.fromEntries(statuses)).toEqual({ [done]: 'processed', [waiting]: 'retrying' });
    const stored = await fx.db('events').whereIn('id', [done, waiting, untouched]).select<Array<{ id: string; status: string }>>('id', 'status');
    expect(Object.fromEntries(stored.map((row) => [row.id, row.status]))).toEqual({ [done]: 'processed', [waiting]: 'retrying', [untouched]: 'pending' });
  });

  it('while one roll-up holds its event, another waits for it but a job insert for that event goes through', async () => {
    const provider = uniqueProvider('status');
    const integration = await fx.insertIntegration({ provider, url: 'https://example.com/a', eventTypes: ['*'] });
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });
    const holder = await fx.db.transaction();
    try {
      await holder.raw('SELECT hookway_refresh_event_status(?)', [eventId]);

      // A short lock_timeout turns "would wait" into an error (55P03) instead of a hang.
      const attempt = (work: (trx: typeof holder) => Promise<unknown>): Promise<string> => fx.db.transaction(async (trx) => {
        await trx.raw("SET LOCAL lock_timeout = '300ms'");
        await work(trx);
      }).then(() => 'done', (error: { code?: string }) => error.code ?? 'error');

      expect(await attempt((trx) => trx('delivery_jobs').insert({
        event_id: eventId, integration_id: integration.id, status: 'pending', attempt_count: 0, max_attempts: 3,
      }))).toBe('done');
      expect(await attempt((trx) => trx.raw('SELECT hookway_refresh_event_status(?)', [eventId]))).toBe('55P03');
    } finally {
      await holder.commit();
    }
  });
});

describe('createForDispatches: the status of an event dispatched for the first time', () => {
  const statusOf = async (eventId: string): Promise<string | undefined> =>
    (await fx.db('events').where({ id: eventId }).first<{ status: string }>('status'))?.status;

  it('moves pending events to processing (a job) or processed (none) in the creating statement, and leaves the rest alone', async () => {
    const provider = uniqueProvider('status');
    const integration = await fx.insertIntegration({ provider, url: 'https://example.com/a', eventTypes: ['*'] });
    const [subscribed, unsubscribed, earlierJob, delivered] = [
      await fx.insertEvent({ provider, type: 'order.created' }),
      await fx.insertEvent({ provider, type: 'order.created' }),
      await fx.insertEvent({ provider, type: 'order.created' }),
      await fx.insertEvent({ provider, type: 'order.created' }),
    ];
    // An earlier run created this event's job and died before its status changed; the integration has
    // since stopped subscribing, so this run wants no job for it.
    await fx.db('delivery_jobs').insert({ event_id: earlierJob, integration_id: integration.id, status: 'pending', attempt_count: 0, max_attempts: 3 });
    // A delivery of this one was recorded (and rolled up) before its fan-out message came back.
    await fx.db('delivery_jobs').insert({ event_id: delivered, integration_id: integration.id, status: 'succeeded', attempt_count: 1, max_attempts: 3 });
    await fx.db('events').where({ id: delivered }).update({ status: 'processed' });
    const first = (eventId: string, integrationIds: string[]) => ({ dispatch: { eventId, replayRequestId: null }, integrationIds });

    await new JobRepository(fx.db).createForDispatches([
      first(subscribed, [integration.id]), first(unsubscribed, []), first(earlierJob, []), first(delivered, [integration.id]),
    ], 3);

    expect({
      subscribed: await statusOf(subscribed),
      unsubscribed: await statusOf(unsubscribed),
      earlierJob: await statusOf(earlierJob),
      delivered: await statusOf(delivered),
    }).toEqual({ subscribed: 'processing', unsubscribed: 'processed', earlierJob: 'processing', delivered: 'processed' });
  });

  it('leaves a replay\'s event as it is (the fan-out rolls it up from all its jobs after)', async () => {
    const provider = uniqueProvider('status');
    const integration = await fx.insertIntegration({ provider, url: 'https://example.com/a', eventTypes: ['*'] });
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });
    const [replay] = await fx.db('replay_requests')
      .insert({ event_id: eventId, requested_by: 'test', reason: 'test' })
      .returning<Array<{ id: string }>>('id');

    await new JobRepository(fx.db).createForDispatches([{ dispatch: { eventId, replayRequestId: replay!.id }, integrationIds: [integration.id] }], 3);

    expect(await statusOf(eventId)).toBe('pending');
  });
});
