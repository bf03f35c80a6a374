import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startReceiver, waitFor, type Receiver } from '@hookway/testing';
import { attemptsOf, jobsOf, sleep, startDispatcher, uniqueProvider, type DispatcherFixture } from './dispatcher-fixture.js';

// A consumer that died mid-delivery leaves its job 'delivering'. Only RabbitMQ's redelivery of that
// message may take the attempt over; a second published copy of it may not.
describe('dispatcher after a consumer died mid-delivery', () => {
  let fx: DispatcherFixture;
  let sink: Receiver;

  beforeAll(async () => {
    fx = await startDispatcher('dispcrash', {}, { deferStart: true });
    sink = await startReceiver();
  });

  afterAll(async () => {
    await fx.close();
    await sink.close();
  });

  it('a redelivered job message takes over the abandoned attempt and delivers it; a fresh copy does not', async () => {
    const provider = uniqueProvider('acme');
    const integration = await fx.insertIntegration({ provider, url: sink.url, eventTypes: ['*'] });
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });
    const [job] = await fx.db('delivery_jobs')
      .insert({ event_id: eventId, integration_id: integration.id, status: 'delivering', attempt_count: 1, max_attempts: 3 })
      .returning<Array<{ id: string }>>('id');
    const abandoned = job!.id;
    const { jobs: jobsQueue } = fx.queues.topology.queues;

    // The dying consumer had received the message and never acked it: RabbitMQ hands it back as redelivered.
    await fx.publishJob({ jobId: abandoned, eventId, integrationId: integration.id, attempt: 1 });
    await fx.broker.withChannel(async (channel) => {
      const message = await waitFor(async () => (await channel.get(jobsQueue, { noAck: false })) || undefined, { what: 'the job message' });
      expect(message.fields.redelivered).toBe(false);
    });

    // A second, fresh copy of the same message (e.g. a duplicate publish) arrives as well.
    await fx.publishJob({ jobId: abandoned, eventId, integrationId: integration.id, attempt: 1 });
    await fx.startService();

    await waitFor(async () => (await jobsOf(fx.db, eventId))[0]?.status === 'succeeded', { what: 'the abandoned job to be delivered' });
    await sleep(300);
    expect(sink.requests).toHaveLength(1);
    const attempts = await attemptsOf(fx.db, eventId);
    expect(attempts.map((attempt) => attempt.attempt_number)).toEqual([1]);
  });
});
