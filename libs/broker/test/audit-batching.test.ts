import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { auditFact, isAuditFact, isAuditFactBatch, type AuditFact } from '@hookway/contracts';
import { createTestBroker, silentLogger, waitFor, type TestBroker } from '@hookway/testing';
import { AUDIT_BATCH_MAX_FACTS, Broker, BrokerUnavailableError } from '../src/index.js';

const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

function fact(n: number, details: Record<string, unknown> = { n }): AuditFact {
  return auditFact({ factId: `event.received:${n}`, entityType: 'event', entityId: `e-${n}`, action: 'received', actor: 'provider:acme', details });
}

describe('Broker.publishAudit against RabbitMQ (nothing consumes the audit queue)', () => {
  let fixture: TestBroker;
  let broker: Broker;

  /** Takes every message waiting on the audit queue: its AMQP type and the facts it carries. */
  async function drainAudit(): Promise<Array<{ type: unknown; messageId: unknown; facts: AuditFact[] }>> {
    const messages: Array<{ type: unknown; messageId: unknown; facts: AuditFact[] }> = [];
    for (let message = await fixture.take(fixture.topology.queues.audit); message; message = await fixture.take(fixture.topology.queues.audit)) {
      const { body, properties } = message;
      const facts = isAuditFactBatch(body) ? body.facts : isAuditFact(body) ? [body] : [];
      messages.push({ type: properties.type, messageId: properties.messageId, facts });
    }
    return messages;
  }

  beforeAll(async () => {
    fixture = await createTestBroker('auditbatch', [100]);
    broker = await Broker.connect({ url: RABBITMQ_URL, prefix: fixture.prefix, retryScheduleMs: [100], logger: silentLogger() });
  });

  afterAll(async () => {
    await broker.close();
    await fixture.cleanup();
  });

  it('when the broker is idle, sends a lone fact at once as one message of its own shape', async () => {
    const lone = fact(1);
    await broker.publishAudit(lone);
    const messages = await drainAudit();
    expect(messages).toEqual([{ type: 'audit.fact', messageId: lone.factId, facts: [lone] }]);
  });

  it('when 200 facts are published at once, sends far fewer messages, with every fact once and in order', async () => {
    const facts = Array.from({ length: 200 }, (_, n) => fact(100 + n));
    await Promise.all(facts.map((one) => broker.publishAudit(one)));
    const messages = await drainAudit();
    expect(messages.length).toBeLessThanOrEqual(2);
    expect(messages.flatMap((message) => message.facts)).toEqual(facts);
    expect(messages.every((message) => message.facts.length === 1 || message.type === 'audit.facts')).toBe(true);
  });

  it('when facts arrive over many turns, sends the facts of a turn (and of the turns while a confirm is awaited) together', async () => {
    const facts = Array.from({ length: 200 }, (_, n) => fact(400 + n));
    const published: Array<Promise<void>> = [];
    for (const [index, one] of facts.entries()) {
      published.push(broker.publishAudit(one));
      if (index % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(published);
    const messages = await drainAudit();
    // 20 turns of the event loop: the facts of one turn always share a message (200 facts, at most 20
    // messages); how many turns share one depends on how long each confirm takes, which this machine decides.
    expect(messages.length).toBeLessThanOrEqual(20);
    expect(messages.flatMap((message) => message.facts)).toEqual(facts);
  });

  it('with auditLingerMs, lingering facts published turns apart share one message, and a fact that may not wait sends them on', async () => {
    const lingering = await Broker.connect({ url: RABBITMQ_URL, prefix: fixture.prefix, retryScheduleMs: [100], logger: silentLogger(), auditLingerMs: 60_000 });
    try {
      const [first, second, third] = [fact(9_001), fact(9_002), fact(9_003)];
      const published = [lingering.publishAudit(first, { linger: true })];
      await new Promise((resolve) => setImmediate(resolve));
      published.push(lingering.publishAudit(second, { linger: true }));
      await new Promise((resolve) => setImmediate(resolve));
      // A minute's linger outlasts the test: the fact that may not wait (a relay's, say) sends all three on.
      published.push(lingering.publishAudit(third));
      await Promise.all(published);
      expect((await drainAudit()).map((message) => message.facts)).toEqual([[first, second, third]]);
      // Published one after the other, facts that may not wait never wait for a linger.
      for (const n of [9_004, 9_005]) await lingering.publishAudit(fact(n));
      expect((await drainAudit()).map((message) => message.facts.map((one) => one.factId))).toEqual([['event.received:9004'], ['event.received:9005']]);
    } finally {
      await lingering.close();
    }
  });

  it('caps a message by facts and by bytes', async () => {
    const many = Array.from({ length: AUDIT_BATCH_MAX_FACTS + 100 }, (_, n) => fact(1_000 + n));
    await Promise.all(many.map((one) => broker.publishAudit(one)));
    const byCount = await drainAudit();
    expect(byCount.map((message) => message.facts.length)).toEqual([AUDIT_BATCH_MAX_FACTS, 100]);

    const large = [1, 2, 3].map((n) => fact(5_000 + n, { blob: 'x'.repeat(400_000) }));
    await Promise.all(large.map((one) => broker.publishAudit(one)));
    const bySize = await drainAudit();
    expect(bySize.map((message) => message.facts.map((one) => one.factId))).toEqual([[large[0]!.factId, large[1]!.factId], [large[2]!.factId]]);
  });

  it('when the message carrying them is refused, rejects every caller of that message', async () => {
    // A publish to an exchange that is gone closes the channel: nothing is confirmed.
    await broker.withChannel((channel) => channel.deleteExchange(fixture.topology.exchanges.audit).then(() => undefined));
    const facts = Array.from({ length: 5 }, (_, n) => fact(6_000 + n));
    const outcomes = await Promise.allSettled(facts.map((one) => broker.publishAudit(one)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(facts.map(() => 'rejected'));
    expect(outcomes.every((outcome) => outcome.status === 'rejected' && outcome.reason instanceof BrokerUnavailableError)).toBe(true);
    // The publish channel comes back, with the topology declared again: the next facts go through.
    const again = fact(6_100);
    await waitFor(() => broker.publishAudit(again).then(() => true), { what: 'audit publishing to work again' });
    expect((await drainAudit()).flatMap((message) => message.facts.map((one) => one.factId))).toContain(again.factId);
  });
});
