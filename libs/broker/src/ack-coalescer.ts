// The acks of one consumer channel, sent together once per turn of the event loop. Messages handled in
// a batch finish together; acking each on its own costs a frame, a socket write and, on a quorum queue,
// a Raft command apiece. One `multiple` ack settles every delivery up to its tag, so it may only cover a
// run of deliveries that are all done: a message still being handled (a slow delivery) must not be
// acked by it, and must not hold back the acks of the messages after it either (they would keep taking
// prefetch slots). Those are acked one by one, in the same write.
import type { Channel, ConsumeMessage } from 'amqplib';

interface Delivery {
  message: ConsumeMessage;
  done: boolean;
}

export class AckCoalescer {
  // Every delivery not yet settled, in delivery-tag order (a Map iterates in insertion order, and
  // RabbitMQ hands out a channel's tags in increasing order).
  private readonly unsettled = new Map<number, Delivery>();
  private scheduled = false;

  constructor(
    private readonly channel: Pick<Channel, 'ack' | 'nack'>,
    /** Called when the channel refused a settlement (it closed: RabbitMQ redelivers the messages). */
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Call for each message as it arrives, before it can be settled. */
  delivered(message: ConsumeMessage): void {
    this.unsettled.set(message.fields.deliveryTag, { message, done: false });
  }

  /** Acks the message with the next flush. */
  ack(message: ConsumeMessage): void {
    const delivery = this.unsettled.get(message.fields.deliveryTag);
    if (!delivery) return;
    delivery.done = true;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Rejects the message at once; a nack settles only its own delivery. */
  nack(message: ConsumeMessage, requeue: boolean): void {
    this.unsettled.delete(message.fields.deliveryTag);
    this.channel.nack(message, false, requeue);
  }

  /** Sends the pending acks now: one `multiple` ack for the leading run of done deliveries, single acks after it. */
  flush(): void {
    this.scheduled = false;
    let lastOfRun: ConsumeMessage | undefined;
    let inRun = true;
    const singles: ConsumeMessage[] = [];
    for (const [tag, delivery] of this.unsettled) {
      if (!delivery.done) {
        inRun = false;
        continue;
      }
      this.unsettled.delete(tag);
      if (inRun) lastOfRun = delivery.message;
      else singles.push(delivery.message);
    }
    try {
      if (lastOfRun) this.channel.ack(lastOfRun, true);
      for (const message of singles) this.channel.ack(message);
    } catch (error) {
      this.onError(error);
    }
  }
}
