// Scenario: job messages are lost while their jobs say `delivering`, as when RabbitMQ's delivery limit drops a
// message its consumers kept failing on: the dispatcher is SIGKILLed with deliveries in flight, and before it
// comes back every job message is rejected to the dead exchange (the same dead-lettering the delivery limit
// does). The sweeper finds the jobs after the lease and sends them out again: nothing accepted is lost.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import amqp from 'amqplib';
import { TEST_RABBITMQ_URL, waitFor } from '@hookway/testing';
import { report, Suite } from './harness.js';

const EVENTS = 200;

describe('fault: sweeper after delivery-limit drop', () => {
  let suite: Suite;

  beforeAll(async () => {
    // A delivery timeout long enough that the held deliveries are still in flight when the dispatcher dies;
    // the lease must exceed it.
    suite = await Suite.start('faultsweeper', { DELIVERY_TIMEOUT: '10s', JOB_LEASE: '11s', SWEEP_INTERVAL: '500ms' });
  });

  afterAll(async () => {
    await suite?.stop();
  });

  it('sends out again the jobs whose messages were dropped to the dead exchange: 0 lost, 0 stuck', async () => {
    // The receiver holds every request: deliveries stay in flight, their jobs `delivering`.
    suite.receiver.reply(() => ({ status: 200, delayMs: 12_000 }));
    await suite.send(EVENTS, 16);
    await waitFor(() => suite.receiver.requests.length >= 16, { timeoutMs: 60_000, what: 'deliveries in flight' });
    await suite.kill('dispatcher');
    suite.receiver.reply(() => ({ status: 200 }));

    // Every job message, the ones the killed consumer held included, is rejected: dead-lettered, as the
    // delivery limit would.
    const connection = await amqp.connect(TEST_RABBITMQ_URL);
    let dropped = 0;
    const droppedJobs = new Set<string>();
    try {
      const channel = await connection.createChannel();
      const { jobs, dead } = suite.broker.topology.queues;
      for (;;) {
        const message = await channel.get(jobs, { noAck: false });
        if (!message) break;
        channel.nack(message, false, false);
        dropped += 1;
        droppedJobs.add((JSON.parse(message.content.toString()) as { jobId: string }).jobId);
      }
      await waitFor(async () => (await channel.checkQueue(dead)).messageCount >= dropped, { what: 'the dropped messages in the dead queue' });
    } finally {
      await connection.close();
    }
    // A `delivering` job whose message is gone comes back only through the sweeper; a `pending` one may also
    // come back through its event's message, redelivered because the killed dispatcher had not acked it, and
    // so does a first attempt the dispatcher made in process (DISPATCHER_FIRST_ATTEMPT=inline: no job message;
    // the redelivered event message takes it over).
    const delivering = (await suite.database.db('delivery_jobs').where({ status: 'delivering' }).select<{ id: string }[]>('id')).map((row) => row.id);
    const stranded = delivering.filter((id) => droppedJobs.has(id));

    await suite.startService('dispatcher');
    const accounting = await suite.settle(90_000);
    const open = await suite.unfinishedJobs();
    const [swept] = await suite.database.db('delivery_jobs').where('sweeps', '>', 0).count<{ count: number }[]>({ count: '*' });
    const strandedSwept = await suite.database.db('delivery_jobs').whereIn('id', stranded).where('sweeps', '>', 0).pluck('id');
    const droppedUnfinished = await suite.database.db('delivery_jobs').whereIn('id', [...droppedJobs]).whereNot({ status: 'succeeded' }).pluck('id');
    report('sweeper after delivery-limit drop', accounting, {
      dropped, droppedJobs: droppedJobs.size, strandedDelivering: stranded.length, strandedSwept: strandedSwept.length,
      swept: Number(swept?.count), stuck: open,
    });

    expect(dropped).toBeGreaterThan(0);
    expect(stranded.length).toBeGreaterThan(0);
    expect(accounting.accepted).toBe(EVENTS);
    expect(accounting.lost).toBe(0);
    expect(accounting.unexpected).toBe(0);
    expect(open).toBe(0);
    expect(droppedUnfinished).toEqual([]);
    expect(strandedSwept.sort()).toEqual([...stranded].sort());
  });
});
