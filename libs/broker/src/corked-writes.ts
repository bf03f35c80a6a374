// amqplib writes every frame to the socket on its own: a batch of publishes and acks made in one turn
// of the event loop became one write(2) per frame, each a trip through the loopback TCP stack that
// wakes RabbitMQ again (a large share of the dispatcher's CPU went to those writes). Corking the socket
// at the first write of a turn and uncorking it on the next tick sends them all in one writev(2).
import { Writable } from 'node:stream';

const corked = new WeakSet<Writable>();

/** Makes the writes of each turn of the event loop on `stream` leave together. Idempotent. */
export function coalesceWrites(stream: Writable): void {
  if (corked.has(stream)) return;
  corked.add(stream);
  const write = stream.write.bind(stream);
  let pending = false;
  const uncork = (): void => {
    pending = false;
    stream.uncork();
  };
  stream.write = ((...args: Parameters<Writable['write']>): boolean => {
    if (!pending) {
      pending = true;
      stream.cork();
      process.nextTick(uncork);
    }
    return write(...args);
  }) as Writable['write'];
}

/** The socket under an amqplib connection, when this amqplib version exposes it (it does not declare it). */
export function amqpSocket(model: { connection: unknown }): Writable | undefined {
  const { connection } = model;
  if (typeof connection !== 'object' || connection === null || !('stream' in connection)) return undefined;
  const { stream } = connection;
  return stream instanceof Writable ? stream : undefined;
}
