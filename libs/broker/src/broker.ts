// One broker connection per process: it recovers by itself after a broker restart, re-declares the
// topology, reopens the confirm channel and re-subscribes every consumer. Publishing fails fast while
// disconnected, so callers (the ingress outbox) decide what to do instead of hanging.
import { createHash } from 'node:crypto';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage, type RecoveringChannelModel } from 'amqplib';
import { errorFields, type Logger } from '@hookway/logger';
import { AUDIT_FACT_BATCH_TYPE, AUDIT_FACT_TYPE, auditRoutingKey, type AuditFact, type DeadMessage, type RefusedPart } from '@hookway/contracts';
import { Batcher } from '@hookway/db';
import { buildTopology, declareTopology, type Topology } from './topology.js';
import { AckCoalescer } from './ack-coalescer.js';
import { amqpSocket, coalesceWrites } from './corked-writes.js';

export class BrokerUnavailableError extends Error {
  constructor(message = 'message broker is unavailable') {
    super(message);
    this.name = 'BrokerUnavailableError';
  }
}

export interface PublishOptions {
  messageId?: string;
  correlationId?: string;
  type?: string;
  headers?: Record<string, unknown>;
}

/** What a consumer decided about one message. */
export type ConsumeOutcome =
  | { action: 'ack' }
  /** Transient failure (database down): hand the message back after a pause. */
  | { action: 'requeue' }
  /** Never processable: publish it to the dead exchange with the reason, then ack. */
  | { action: 'dead'; reason: string }
  /**
   * Handled, but for parts that never will be (one fact of a batch the database refuses): each goes to
   * the dead exchange alone, with its reason, then the message is acked.
   */
  | { action: 'dead-parts'; parts: readonly RefusedPart[] };

export type ConsumeHandler = (message: ConsumeMessage) => Promise<ConsumeOutcome>;

export interface ConsumerOptions {
  prefetch: number;
  /** Pause before a requeue, so a failing dependency is not hammered in a tight loop. */
  requeueDelayMs?: number;
}

/** A live feed: an exclusive, auto-deleted queue bound to an exchange, gone with the connection. */
interface Listener {
  exchange: string;
  bindingKeys: readonly string[];
  onMessage: (message: ConsumeMessage) => void;
  /** The channel of its private queue on the current connection. */
  channel?: Channel;
  stopped: boolean;
}

interface Consumer {
  queue: string;
  handler: ConsumeHandler;
  options: ConsumerOptions;
  channel?: Channel;
  acks?: AckCoalescer;
  tag?: string;
  inFlight: Set<Promise<void>>;
}

export interface BrokerOptions {
  url: string;
  prefix: string;
  retryScheduleMs: readonly number[];
  logger: Logger;
  /** Bounded wait for a publisher confirm. */
  confirmTimeoutMs?: number;
  /** How many times the first connection is retried before start-up fails. */
  initialMaxRetries?: number;
  /**
   * Milliseconds an audit fact published with `{ linger: true }` while none is on its way waits for others
   * to share its message (0: it goes at once). Off the delivery path; it spares a quiet system a message
   * and an append per fact.
   */
  auditLingerMs?: number;
}

/**
 * Most facts, and bytes of facts, in one audit message. Well under RabbitMQ's message size limit; a
 * lone fact larger than this still goes, alone.
 */
export const AUDIT_BATCH_MAX_FACTS = 500;
export const AUDIT_BATCH_MAX_BYTES = 1024 * 1024;

export interface AuditPublishOptions {
  /**
   * The fact may wait `auditLingerMs` for others to share its message when none is on its way: for facts of
   * independent callers (webhooks accepted, deliveries made), never for a caller that publishes its facts one
   * after the other (a relay pass, a sweep, a replay's bookkeeping), which would wait the linger out for each.
   */
  linger?: boolean;
}

/** One audit fact, serialized once: its size decides which message it fits in. */
interface SerializedFact {
  fact: AuditFact;
  json: string;
}

export class Broker {
  readonly topology: Topology;
  /**
   * Audit facts published while the previous audit message awaits its confirm go together in the next
   * one; a fact published to linger that finds none on its way waits `auditLingerMs` for company (any
   * other lone fact on an idle broker goes at once). One message in flight at a time.
   */
  private readonly auditFacts: Batcher<SerializedFact, Error | undefined>;
  private connection?: RecoveringChannelModel;
  private publisher?: ConfirmChannel;
  private readonly consumers: Consumer[] = [];
  private readonly listeners: Listener[] = [];
  private connected = false;
  private closing = false;

  private constructor(private readonly options: BrokerOptions) {
    this.topology = buildTopology(options.prefix, options.retryScheduleMs);
    this.auditFacts = new Batcher((facts) => this.publishAuditFacts(facts), {
      maxSize: AUDIT_BATCH_MAX_FACTS,
      maxInFlight: 1,
      lingerMs: options.auditLingerMs ?? 0,
    });
  }

  static async connect(options: BrokerOptions): Promise<Broker> {
    const broker = new Broker(options);
    await broker.open();
    return broker;
  }

  private async open(): Promise<void> {
    const { logger } = this.options;
    this.connection = await amqp.connect(this.options.url, {
      // No Nagle: a publish or ack written while an earlier write is unanswered would otherwise wait for
      // that answer (up to ~40 ms on Linux). Corked writes already send one packet per turn of the loop.
      noDelay: true,
      recovery: {
        initialDelay: 200,
        maxDelay: 5_000,
        maxRetries: Infinity,
        initialMaxRetries: this.options.initialMaxRetries ?? 5,
        setup: async (model: ChannelModel) => {
          const socket = amqpSocket(model);
          if (socket) coalesceWrites(socket);
          await this.openPublisher(model);
          for (const consumer of this.consumers) await this.subscribe(model, consumer);
          // Listeners may stop or start while this awaits: follow each one still wanted, added ones too.
          const followed = new Set<Listener>();
          for (let listener = this.unfollowed(followed); listener; listener = this.unfollowed(followed)) {
            followed.add(listener);
            await this.listen(() => model.createChannel(), listener);
          }
          this.connected = true;
        },
      },
    });
    this.connection.on('connect', () => logger.info('broker connected'));
    this.connection.on('disconnect', (error: Error) => {
      this.connected = false;
      this.publisher = undefined;
      if (!this.closing) logger.warn('broker disconnected; reconnecting', errorFields(error));
    });
    this.connection.on('error', (error: Error) => logger.warn('broker connection error', errorFields(error)));
  }

  /**
   * Declares the topology and opens the confirm channel every publish goes through. RabbitMQ also closes
   * a channel on its own (a publish to an exchange someone deleted): while the connection lives, the
   * channel is opened again and the topology declared again, rather than leaving every publish refused
   * until the next reconnect.
   */
  private async openPublisher(model: ChannelModel): Promise<void> {
    const { logger } = this.options;
    const channel = await model.createConfirmChannel();
    channel.on('error', (error: Error) => logger.warn('publish channel error', errorFields(error)));
    channel.on('close', () => {
      if (this.publisher !== channel) return;
      this.publisher = undefined;
      // Gone with the connection: the reconnect's setup opens the next one.
      setTimeout(() => {
        if (this.closing || !this.connected || this.publisher) return;
        this.openPublisher(model).catch((error: unknown) => logger.warn('could not reopen the publish channel', errorFields(error)));
      }, 200).unref();
    });
    await declareTopology(channel, this.topology);
    this.publisher = channel;
  }

  isConnected(): boolean {
    return this.connected && this.publisher !== undefined;
  }

  /** Publishes a persistent JSON message and resolves once the broker confirmed it. */
  async publish(exchange: string, routingKey: string, body: unknown, options: PublishOptions = {}): Promise<void> {
    if (!this.isConnected()) throw new BrokerUnavailableError();
    await this.publishContent(exchange, routingKey, Buffer.from(JSON.stringify(body)), options);
  }

  /** Messages the broker confirmed, per exchange, since this process connected (metrics: messages per event). */
  readonly confirmedByExchange = new Map<string, number>();

  private async publishContent(exchange: string, routingKey: string, content: Buffer, options: PublishOptions): Promise<void> {
    const channel = this.publisher;
    if (!channel || !this.connected) throw new BrokerUnavailableError();
    const timeoutMs = this.options.confirmTimeoutMs ?? 5_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new BrokerUnavailableError('publisher confirm timed out')), timeoutMs);
      try {
        channel.publish(
          exchange,
          routingKey,
          content,
          {
            persistent: true,
            contentType: 'application/json',
            timestamp: Math.floor(Date.now() / 1000),
            ...(options.messageId ? { messageId: options.messageId } : {}),
            ...(options.correlationId ? { correlationId: options.correlationId } : {}),
            ...(options.type ? { type: options.type } : {}),
            ...(options.headers ? { headers: options.headers } : {}),
          },
          (error: unknown) => {
            clearTimeout(timer);
            if (error) reject(new BrokerUnavailableError(`broker did not confirm the message: ${error instanceof Error ? error.message : 'nack'}`));
            else {
              this.confirmedByExchange.set(exchange, (this.confirmedByExchange.get(exchange) ?? 0) + 1);
              resolve();
            }
          },
        );
      } catch (error) {
        clearTimeout(timer);
        reject(new BrokerUnavailableError(`publish failed: ${(error as Error).message}`));
      }
    });
  }

  /**
   * Resolves once the message carrying the fact is confirmed, and rejects when that publish failed, as
   * a publish of the fact alone would. The fact may share its message with facts published meanwhile.
   */
  async publishAudit(fact: AuditFact, { linger = false }: AuditPublishOptions = {}): Promise<void> {
    if (!this.isConnected()) throw new BrokerUnavailableError();
    const failure = await this.auditFacts.add({ fact, json: JSON.stringify(fact) }, { linger });
    if (failure) throw failure;
  }

  /**
   * Publishes a batch of facts as messages of at most AUDIT_BATCH_MAX_BYTES, side by side. Each fact's
   * result is its own message's failure, if any: one message failing does not fail the facts of another.
   */
  private async publishAuditFacts(facts: SerializedFact[]): Promise<Array<Error | undefined>> {
    const messages: SerializedFact[][] = [];
    let bytes = 0;
    for (const fact of facts) {
      const size = Buffer.byteLength(fact.json) + 1;
      const current = messages.at(-1);
      if (current && bytes + size <= AUDIT_BATCH_MAX_BYTES) {
        current.push(fact);
        bytes += size;
      } else {
        messages.push([fact]);
        bytes = size;
      }
    }
    const outcomes = await Promise.allSettled(messages.map((message) => this.publishAuditMessage(message)));
    return messages.flatMap((message, index) => {
      const outcome = outcomes[index];
      const failure = outcome?.status === 'rejected' ? asError(outcome.reason) : undefined;
      return message.map(() => failure);
    });
  }

  /** A lone fact goes as itself (type audit.fact, messageId its factId); several as one batch message. */
  private async publishAuditMessage(message: readonly SerializedFact[]): Promise<void> {
    const [first] = message;
    if (!first) return;
    const correlationIds = new Set(message.map(({ fact }) => fact.correlationId));
    const [correlationId] = correlationIds;
    const correlation = correlationIds.size === 1 && correlationId ? { correlationId } : {};
    if (message.length === 1) {
      await this.publishContent(this.topology.exchanges.audit, auditRoutingKey(first.fact), Buffer.from(first.json), {
        messageId: first.fact.factId,
        ...correlation,
        type: AUDIT_FACT_TYPE,
      });
      return;
    }
    const routingKeys = new Set(message.map(({ fact }) => auditRoutingKey(fact)));
    // Derived from the facts, so a batch sent again carries the same id (appending is idempotent by factId anyway).
    const ids = createHash('sha256');
    for (const { fact } of message) ids.update(fact.factId).update('\n');
    await this.publishContent(
      this.topology.exchanges.audit,
      // Facts of one kind keep their key; a mix gets one no `<entityType>.<action>` key can match.
      routingKeys.size === 1 ? auditRoutingKey(first.fact) : 'mixed',
      Buffer.from(`{"facts":[${message.map(({ json }) => json).join(',')}]}`),
      { messageId: `facts:${message.length}:${ids.digest('hex').slice(0, 32)}`, ...correlation, type: AUDIT_FACT_BATCH_TYPE },
    );
  }

  async publishDead(message: DeadMessage, correlationId?: string): Promise<void> {
    await this.publish(this.topology.exchanges.dead, '', message, {
      type: 'dead',
      ...(correlationId ? { correlationId } : {}),
    });
  }

  /** Registers a consumer; it is (re)subscribed on every connect. */
  async consume(queue: string, handler: ConsumeHandler, options: ConsumerOptions): Promise<void> {
    const consumer: Consumer = { queue, handler, options, inFlight: new Set() };
    this.consumers.push(consumer);
    const connection = this.connection as unknown as { createChannel(): Promise<Channel> } | undefined;
    if (connection && this.connected) await this.subscribeWith(() => connection.createChannel(), consumer);
  }

  /**
   * Follows messages on an exchange without taking them from anyone: a private queue, no acks, lost
   * with the connection and declared again on reconnect. For live views (the SSE stream), never for work.
   * Resolves once the queue is bound (when connected), with a function that stops following: the queue
   * goes with its channel, and RabbitMQ routes nothing more to it.
   */
  async listenTo(exchange: string, bindingKeys: readonly string[], onMessage: (message: ConsumeMessage) => void): Promise<() => Promise<void>> {
    const listener: Listener = { exchange, bindingKeys, onMessage, stopped: false };
    this.listeners.push(listener);
    const connection = this.connection as unknown as { createChannel(): Promise<Channel> } | undefined;
    if (connection && this.connected) {
      // A channel failing here goes with its connection: recovery follows again on reconnect.
      await this.listen(() => connection.createChannel(), listener)
        .catch((error: unknown) => this.options.logger.warn('could not follow exchange yet', { exchange, ...errorFields(error) }));
    }
    return async () => {
      listener.stopped = true;
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
      const { channel } = listener;
      listener.channel = undefined;
      if (channel) await closeChannel(channel);
    };
  }

  private unfollowed(followed: ReadonlySet<Listener>): Listener | undefined {
    return this.listeners.find((listener) => !followed.has(listener));
  }

  private async listen(open: () => Promise<Channel>, listener: Listener): Promise<void> {
    const channel = await open();
    channel.on('error', (error: Error) => this.options.logger.warn('listener channel error', errorFields(error)));
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
    for (const key of listener.bindingKeys) await channel.bindQueue(queue, listener.exchange, key);
    await channel.consume(queue, (message) => {
      if (message) listener.onMessage(message);
    }, { noAck: true });
    // Stopped while this was being set up: nothing may keep the queue alive.
    if (listener.stopped) await closeChannel(channel);
    else listener.channel = channel;
  }

  private async subscribe(model: { createChannel(): Promise<Channel> }, consumer: Consumer): Promise<void> {
    await this.subscribeWith(() => model.createChannel(), consumer);
  }

  private async subscribeWith(open: () => Promise<Channel>, consumer: Consumer): Promise<void> {
    const { logger } = this.options;
    const channel = await open();
    channel.on('error', (error: Error) => logger.warn('consumer channel error', { queue: consumer.queue, ...errorFields(error) }));
    await channel.prefetch(consumer.options.prefetch);
    const acks = new AckCoalescer(channel, (error) =>
      logger.warn('could not settle messages; they will be redelivered', { queue: consumer.queue, ...errorFields(error) }));
    consumer.channel = channel;
    consumer.acks = acks;
    const reply = await channel.consume(consumer.queue, (message) => {
      if (!message) return; // cancelled by the broker (queue deleted); recovery re-subscribes
      acks.delivered(message);
      const work = this.handle(consumer, acks, message);
      consumer.inFlight.add(work);
      void work.finally(() => consumer.inFlight.delete(work));
    });
    consumer.tag = reply.consumerTag;
  }

  private async handle(consumer: Consumer, acks: AckCoalescer, message: ConsumeMessage): Promise<void> {
    const { logger } = this.options;
    let outcome: ConsumeOutcome;
    try {
      outcome = await consumer.handler(message);
    } catch (error) {
      logger.error('consumer failed; message will be redelivered', { queue: consumer.queue, ...errorFields(error) });
      outcome = { action: 'requeue' };
    }
    if (outcome.action === 'dead-parts') {
      outcome = await this.deadLetterParts(consumer, message, outcome.parts);
    }
    if (outcome.action === 'dead') {
      try {
        await this.publishDead({
          reason: outcome.reason,
          sourceQueue: consumer.queue,
          original: message.content.toString('utf8').slice(0, 65_536),
        }, message.properties.correlationId as string | undefined);
      } catch (error) {
        // Not confirmed: the message is handed back, to be tried again. Left unsettled, it would hold a
        // prefetch slot and keep every later ack from covering it.
        logger.warn('could not dead-letter message; it will be tried again', { queue: consumer.queue, ...errorFields(error) });
        outcome = { action: 'requeue' };
      }
    }
    try {
      if (outcome.action === 'requeue') {
        await delay(consumer.options.requeueDelayMs ?? 1_000);
        acks.nack(message, true);
      } else {
        acks.ack(message);
      }
    } catch (error) {
      // The channel closed under us (broker restart): the message is redelivered on reconnect.
      logger.warn('could not settle message; it will be redelivered', { queue: consumer.queue, ...errorFields(error) });
    }
  }

  /** Each part alone to the dead exchange; the message is acked once every one is confirmed, else tried again. */
  private async deadLetterParts(consumer: Consumer, message: ConsumeMessage, parts: readonly RefusedPart[]): Promise<ConsumeOutcome> {
    const messageCorrelationId = message.properties.correlationId as string | undefined;
    try {
      await Promise.all(parts.map((part) => this.publishDead({
        reason: part.reason,
        sourceQueue: consumer.queue,
        original: part.original.slice(0, 65_536),
      }, part.correlationId ?? messageCorrelationId)));
      return { action: 'ack' };
    } catch (error) {
      this.options.logger.warn('could not dead-letter parts of a message; it will be tried again', { queue: consumer.queue, ...errorFields(error) });
      return { action: 'requeue' };
    }
  }

  /** Stops taking new messages and waits (bounded) for the ones in flight to settle. */
  async stopConsuming(timeoutMs = 10_000): Promise<void> {
    for (const consumer of this.consumers) {
      if (consumer.channel && consumer.tag) {
        await consumer.channel.cancel(consumer.tag).catch(() => undefined);
      }
    }
    const pending = this.consumers.flatMap((consumer) => [...consumer.inFlight]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(pending),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    for (const consumer of this.consumers) consumer.acks?.flush();
  }

  /** A plain channel for one-off operations (queue depth checks, test clean-up). */
  async withChannel<T>(work: (channel: Channel) => Promise<T>): Promise<T> {
    if (!this.connection || !this.connected) throw new BrokerUnavailableError();
    const channel = await this.connection.createChannel();
    try {
      return await work(channel);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.stopConsuming(5_000);
    // Facts already handed over are sent (each publish bounded by the confirm timeout) before the connection goes.
    await this.auditFacts.drain();
    this.connected = false;
    await this.connection?.close().catch(() => undefined);
  }
}

/**
 * Closes a channel and settles once it is closed. amqplib's close() settles only when RabbitMQ answers;
 * if the connection drops first it never does, but the channel still emits 'close'.
 */
async function closeChannel(channel: Channel): Promise<void> {
  const closed = new Promise<void>((resolve) => channel.once('close', () => resolve()));
  await Promise.race([closed, channel.close().catch(() => undefined)]);
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new BrokerUnavailableError(`publish failed: ${String(reason)}`);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
