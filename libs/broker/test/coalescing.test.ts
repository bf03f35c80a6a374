import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import net from 'node:net';
import type { ConsumeMessage } from 'amqplib';
import { createTestBroker, silentLogger, waitFor, type TestBroker } from '@hookway/testing';
import { AckCoalescer } from '../src/ack-coalescer.js';
import { coalesceWrites } from '../src/corked-writes.js';
import { Broker } from '../src/index.js';

const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

function delivery(tag: number): ConsumeMessage {
  return { fields: { deliveryTag: tag }, content: Buffer.alloc(0), properties: {} } as unknown as ConsumeMessage;
}

/** What AckCoalescer asked the channel to send: `ack 3+` is an ack of every delivery up to 3. */
function recordingChannel(): { sent: string[]; ack(message: ConsumeMessage, allUpTo?: boolean): void; nack(message: ConsumeMessage, allUpTo?: boolean, requeue?: boolean): void } {
  const sent: string[] = [];
  return {
    sent,
    ack: (message, allUpTo) => sent.push(`ack ${message.fields.deliveryTag}${allUpTo ? '+' : ''}`),
    nack: (message, allUpTo, requeue) => sent.push(`nack ${message.fields.deliveryTag}${allUpTo ? '+' : ''}${requeue ? ' requeue' : ''}`),
  };
}

describe('AckCoalescer', () => {
  it('acks the leading run of finished deliveries at once, and the finished ones behind an unfinished delivery one by one', () => {
    const channel = recordingChannel();
    const acks = new AckCoalescer(channel, () => undefined);
    const messages = [1, 2, 3, 4, 5].map(delivery);
    for (const message of messages) acks.delivered(message);
    for (const tag of [1, 2, 4]) acks.ack(messages[tag - 1]!);
    acks.flush();
    // 3 is still being handled: a multiple ack up to 4 would settle it too early.
    expect(channel.sent).toEqual(['ack 2+', 'ack 4']);

    acks.ack(messages[4]!);
    acks.ack(messages[2]!);
    acks.flush();
    // 4 is gone, so 3 and 5 form a run: one ack settles both.
    expect(channel.sent).toEqual(['ack 2+', 'ack 4', 'ack 5+']);
    acks.flush();
    expect(channel.sent).toHaveLength(3);
  });

  it('nacks at once and only the one delivery, and an ack of it afterwards sends nothing', () => {
    const channel = recordingChannel();
    const acks = new AckCoalescer(channel, () => undefined);
    const [first, second] = [delivery(7), delivery(8)];
    acks.delivered(first);
    acks.delivered(second);
    acks.nack(first, true);
    expect(channel.sent).toEqual(['nack 7 requeue']);
    acks.ack(first);
    acks.ack(second);
    acks.flush();
    expect(channel.sent).toEqual(['nack 7 requeue', 'ack 8+']);
  });

  it('reports a channel that refuses the acks (closed under it) instead of throwing from a timer', () => {
    const errors: unknown[] = [];
    const closed = { ack: () => { throw new Error('Channel closed'); }, nack: () => undefined };
    const acks = new AckCoalescer(closed, (error) => errors.push(error));
    const message = delivery(1);
    acks.delivered(message);
    acks.ack(message);
    expect(() => acks.flush()).not.toThrow();
    expect(errors).toEqual([expect.objectContaining({ message: 'Channel closed' })]);
  });
});

describe('coalesceWrites', () => {
  it('hands the writes of one turn of the event loop to the socket as one writev, and later writes without waiting', async () => {
    const received: string[] = [];
    const server = net.createServer((socket) => socket.on('data', (chunk: Buffer) => received.push(chunk.toString('utf8'))));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as net.AddressInfo;
    const client = net.connect(port, '127.0.0.1');
    await once(client, 'connect');
    // What the stream hands its socket: one _write per chunk, or one _writev for all chunks buffered while corked.
    const handed: string[][] = [];
    const { _write: writeOne, _writev: writeMany } = client;
    client._write = function (chunk: Buffer, encoding, callback) {
      handed.push([chunk.toString('utf8')]);
      writeOne.call(this, chunk, encoding, callback);
    };
    client._writev = function (chunks, callback) {
      handed.push(chunks.map(({ chunk }) => (chunk as Buffer).toString('utf8')));
      writeMany?.call(this, chunks, callback);
    };
    try {
      coalesceWrites(client);
      coalesceWrites(client); // idempotent: a second call must not wrap twice
      client.write('a');
      client.write('b');
      client.write('c');
      await waitFor(() => received.join('') === 'abc' || undefined, { what: 'the first writes' });
      expect(handed).toEqual([['a', 'b', 'c']]);

      client.write('d');
      await waitFor(() => received.join('') === 'abcd' || undefined, { what: 'a write of a later turn' });
      expect(handed).toEqual([['a', 'b', 'c'], ['d']]);
    } finally {
      client.destroy();
      server.close();
    }
  });
});

describe('Broker acks against RabbitMQ', () => {
  let fixture: TestBroker;

  beforeAll(async () => {
    fixture = await createTestBroker('acks', [100]);
  });

  afterAll(async () => {
    await fixture.cleanup();
  });

  it('acks every handled message, none held back behind a slow one, and RabbitMQ keeps none of them', async () => {
    const broker = await Broker.connect({ url: RABBITMQ_URL, prefix: fixture.prefix, retryScheduleMs: [100], logger: silentLogger() });
    const handled = new Set<number>();
    let releaseSlow!: () => void;
    const slow = new Promise<void>((resolve) => {
      releaseSlow = resolve;
    });
    try {
      // Prefetch 4: if the acks of the messages behind the slow first one waited for it, RabbitMQ would
      // stop after three of them.
      await broker.consume(fixture.topology.queues.jobs, async (message) => {
        const { n } = JSON.parse(message.content.toString('utf8')) as { n: number };
        if (n === 0) await slow;
        handled.add(n);
        return { action: 'ack' };
      }, { prefetch: 4 });
      await Promise.all(Array.from({ length: 20 }, (_, n) =>
        broker.publish(fixture.topology.exchanges.jobs, fixture.topology.jobRoutingKey, { n })));
      await waitFor(() => handled.size === 19 || undefined, { what: 'the 19 messages behind the slow one' });
      expect(handled.has(0)).toBe(false);
      releaseSlow();
      await waitFor(() => handled.size === 20 || undefined, { what: 'the slow message' });
    } finally {
      releaseSlow();
      await broker.close();
    }
    // Closing returns unacked messages to the queue: it is empty only if every ack reached RabbitMQ.
    expect(await fixture.depth(fixture.topology.queues.jobs)).toBe(0);
  });
});
