import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { silentLogger, waitFor } from '@hookway/testing';
import { BatchedJobStore } from '../src/data-access/batched-job.store.js';
import { EventRepository } from '../src/data-access/event.repository.js';
import { IntegrationRepository } from '../src/data-access/integration.repository.js';
import { JobRepository } from '../src/data-access/job.repository.js';
import { ReplayRequestRepository } from '../src/data-access/replay-request.repository.js';
import { FanOut } from '../src/domain/fan-out.js';
import { BrokerDispatchPublisher } from '../src/outbound/dispatch-publisher.js';
import { startDispatcher, uniqueProvider, type DispatcherFixture } from './dispatcher-fixture.js';

describe('two fan-outs of one replay at once', () => {
  let fx: DispatcherFixture;

  beforeAll(async () => {
    // No service: this test drives one fan-out itself and plays the other one by hand.
    fx = await startDispatcher('replayrace', {}, { deferStart: true });
  });

  afterAll(async () => {
    await fx.close();
  });

  it('record the job count of the stored jobs, not 0 for the run whose insert found the other run\'s row', async () => {
    const provider = uniqueProvider('acme');
    const integration = await fx.insertIntegration({ provider, url: 'http://127.0.0.1:9/hook', eventTypes: ['*'] });
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });
    const replayRequestId = randomUUID();
    await fx.db('replay_requests').insert({ id: replayRequestId, event_id: eventId, requested_by: 'ops', reason: 'race' });
    const fanOut = new FanOut({
      events: new EventRepository(fx.db),
      integrations: new IntegrationRepository(fx.db),
      jobs: new BatchedJobStore(new JobRepository(fx.db), { maxBatchSize: 8, batchesInFlight: 1 }),
      replays: new ReplayRequestRepository(fx.db),
      publisher: new BrokerDispatchPublisher(fx.broker),
      maxAttempts: 3,
    });

    // The other run has inserted the job and not committed yet: this run's insert waits for it, then skips
    // the row, which its statement's snapshot does not show either.
    const other = await fx.db.transaction();
    let result: Awaited<ReturnType<FanOut['dispatchMany']>> | undefined;
    try {
      await other('delivery_jobs').insert({ event_id: eventId, integration_id: integration.id, replay_request_id: replayRequestId, max_attempts: 3 });
      const running = fanOut.dispatchMany([{
        message: { kind: 'replay', eventId, provider, type: 'order.created', replayRequestId },
        context: { correlationId: 'race', logger: silentLogger() },
      }]);
      await waitFor(async () => {
        const waiting = await fx.db.raw<{ rows: Array<{ count: number }> }>(
          `SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
        return waiting.rows[0]!.count > 0;
      }, { what: 'the fan-out to wait for the other run\'s insert' });
      await other.commit();
      result = await running;
    } finally {
      if (!other.isCompleted()) await other.rollback();
    }

    expect(result).toEqual([expect.objectContaining({ outcome: 'dispatched', jobCount: 1 })]);
    expect(await fx.db('replay_requests').where({ id: replayRequestId }).first()).toMatchObject({ status: 'dispatched', job_count: 1 });
    expect((await fx.waitForAudit(`replay.dispatched:${replayRequestId}`)).details).toMatchObject({ jobCount: 1 });
  });
});
