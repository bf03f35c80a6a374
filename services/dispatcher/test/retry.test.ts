import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DeadMessage } from '@hookway/contracts';
import { startReceiver, waitFor, type ReceivedRequest, type Receiver, type ReceiverReply } from '@hookway/testing';
import {
  attemptsOf, consecutiveFailures, eventStatus, jobsOf, startDispatcher, uniqueProvider, waitForEventStatus, type DispatcherFixture,
} from './dispatcher-fixture.js';

// Retries go through the real retry tiers (queue-level TTL, dead-lettered back to the jobs exchange),
// so the timing assertions are lower bounds only: a tier never hands a message back early.
const TIER_SLACK_MS = 20;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
}

/** Receipts per webhook-id (the event id) and a reply per event, so concurrent tests share nothing. */
function byEvent(sink: Receiver, answer: (eventId: string, nth: number) => ReceiverReply): (eventId: string) => ReceivedRequest[] {
  const seen = new Map<string, number>();
  sink.reply((request) => {
    const eventId = String(request.headers['webhook-id']);
    const nth = seen.get(eventId) ?? 0;
    seen.set(eventId, nth + 1);
    return answer(eventId, nth);
  });
  return (eventId) => sink.requests.filter((request) => request.headers['webhook-id'] === eventId);
}

async function deadLettersFor(fx: DispatcherFixture, jobId: string, collected: DeadMessage[]): Promise<DeadMessage[]> {
  return waitFor(async () => {
    collected.push(...(await fx.deadLetters()));
    const matching = collected.filter((letter) => letter.jobId === jobId);
    return matching.length > 0 ? matching : undefined;
  }, { what: `a dead letter for job ${jobId}` });
}

describe('dispatcher retries and dead letters (schedule 100ms, 200ms, 300ms)', () => {
  const schedule = [100, 200, 300];
  let fx: DispatcherFixture;
  let sink: Receiver;
  const deadLetters: DeadMessage[] = [];

  beforeAll(async () => {
    fx = await startDispatcher('dispretry', { RETRY_SCHEDULE: '100ms,200ms,300ms' });
    sink = await startReceiver();
  });

  afterAll(async () => {
    await fx.close();
    await sink.close();
  });

  const answers = new Map<string, (nth: number) => ReceiverReply>();

  /** One integration per test on the shared receiver; its events answered by `answer`, then fanned out. */
  const publishTo = async (path: string, answer: (nth: number) => ReceiverReply, count = 1): Promise<{ integrationId: string; eventIds: string[] }> => {
    const provider = uniqueProvider('acme');
    const integration = await fx.insertIntegration({ provider, url: `${sink.url}/${path}`, eventTypes: ['order.created'] });
    const eventIds: string[] = [];
    for (let i = 0; i < count; i += 1) eventIds.push(await fx.insertEvent({ provider, type: 'order.created' }));
    for (const eventId of eventIds) answers.set(eventId, answer);
    await Promise.all(eventIds.map((eventId) => fx.publishEvent({ kind: 'event', eventId, provider, type: 'order.created' })));
    return { integrationId: integration.id, eventIds };
  };

  const receipts = (eventId: string): ReceivedRequest[] => sink.requests.filter((request) => request.headers['webhook-id'] === eventId);
  beforeAll(() => {
    byEvent(sink, (eventId, nth) => answers.get(eventId)?.(nth) ?? { status: 200 });
  });

  it('when the receiver fails k times then succeeds, makes exactly k+1 attempts, each after its tier\'s delay', async () => {
    const failures = 3;
    const { integrationId, eventIds } = await publishTo('flaky', (nth) => (nth < failures ? { status: 500, body: 'not yet' } : { status: 200 }), 5);

    for (const eventId of eventIds) expect(await waitForEventStatus(fx.db, eventId, 'processed', 'failed')).toBe('processed');

    const gapsPerTier: number[][] = schedule.map(() => []);
    for (const eventId of eventIds) {
      const times = receipts(eventId).map((request) => request.receivedAt);
      expect(times).toHaveLength(failures + 1);
      times.slice(1).forEach((time, index) => gapsPerTier[index]!.push(time - times[index]!));
      const [job] = await jobsOf(fx.db, eventId);
      expect(job).toMatchObject({ status: 'succeeded', attempt_count: 4, max_attempts: 4, next_attempt_at: null, last_error: null });
      const attempts = await attemptsOf(fx.db, eventId);
      expect(attempts.map((attempt) => [attempt.attempt_number, attempt.status])).toEqual([[1, 'failed'], [2, 'failed'], [3, 'failed'], [4, 'success']]);
      for (let attempt = 1; attempt <= failures; attempt += 1) {
        const fact = await fx.waitForAudit(`job.retry_scheduled:${job!.id}:${attempt}`);
        expect(fact.details).toMatchObject({ eventId, integrationId, attempt, nextAttempt: attempt + 1, statusCode: 500, errorCode: 'HTTP_500' });
      }
      await fx.waitForAudit(`job.delivered:${job!.id}`);
    }
    gapsPerTier.forEach((gaps, index) => {
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(schedule[index]! - TIER_SLACK_MS);
    });
    console.log(`retry gaps: ${schedule.map((delay, index) => `tier ${delay}ms median ${median(gapsPerTier[index]!)}ms`).join(', ')} (n=${eventIds.length})`);
    expect(await consecutiveFailures(fx.db, integrationId)).toBe(0);
  });

  it('when the receiver always answers 500, the job dies after 1 + schedule attempts with a dead letter, and the event fails', async () => {
    const { integrationId, eventIds: [eventId] } = await publishTo('always-500', () => ({ status: 500 }));

    expect(await waitForEventStatus(fx.db, eventId!, 'failed', 'processed')).toBe('failed');
    const [job] = await jobsOf(fx.db, eventId!);
    expect(job).toMatchObject({ status: 'dead', attempt_count: 4, last_status_code: 500, next_attempt_at: null });
    expect(job!.completed_at).toBeInstanceOf(Date);
    expect(receipts(eventId!)).toHaveLength(4);
    const [letter] = await deadLettersFor(fx, job!.id, deadLetters);
    expect(letter).toEqual({ jobId: job!.id, reason: 'attempts exhausted (4 of 4); last error HTTP_500: endpoint answered 500' });
    const fact = await fx.waitForAudit(`job.dead_lettered:${job!.id}:4`);
    expect(fact).toMatchObject({ entityType: 'job', entityId: job!.id, action: 'dead_lettered', actor: 'dispatcher' });
    expect(fact.details).toMatchObject({ eventId, integrationId, attempt: 4, statusCode: 500, reason: letter!.reason });
    expect(await consecutiveFailures(fx.db, integrationId)).toBe(1);
  });

  it('when the receiver answers 400, the job dies after one attempt and is never retried', async () => {
    const handledBefore = await fx.handledJobMessages();
    const { eventIds: [eventId] } = await publishTo('bad-request', () => ({ status: 400, body: 'unknown field' }));

    expect(await waitForEventStatus(fx.db, eventId!, 'failed', 'processed')).toBe('failed');
    const [job] = await jobsOf(fx.db, eventId!);
    expect(job).toMatchObject({ status: 'dead', attempt_count: 1, last_status_code: 400 });
    const [letter] = await deadLettersFor(fx, job!.id, deadLetters);
    expect(letter!.reason).toBe('HTTP_400: endpoint answered 400; not retried');
    await fx.waitForAudit(`job.dead_lettered:${job!.id}:1`);
    // Its one message handled: a retry would have been published before that (and show up here).
    await waitFor(async () => (await fx.handledJobMessages()) - handledBefore >= 1, { what: 'the job message to be handled' });
    expect(await fx.handledJobMessages()).toBe(handledBefore + 1);
    for (const queue of [fx.queues.topology.queues.jobs, ...fx.queues.topology.retryTiers.map((tier) => tier.queue)]) {
      expect(await fx.queues.depth(queue)).toBe(0);
    }
    expect(receipts(eventId!)).toHaveLength(1);
  });

  it('retries 408 and 429 like any transient failure', async () => {
    const { eventIds: [eventId] } = await publishTo('busy', (nth) => [{ status: 408 }, { status: 429 }][nth] ?? { status: 200 });

    expect(await waitForEventStatus(fx.db, eventId!, 'processed', 'failed')).toBe('processed');
    const attempts = await attemptsOf(fx.db, eventId!);
    expect(attempts.map((attempt) => attempt.status_code)).toEqual([408, 429, 200]);
    expect((await jobsOf(fx.db, eventId!))[0]).toMatchObject({ status: 'succeeded', attempt_count: 3 });
  });

  it('shows the event retrying while its job waits for the next attempt', async () => {
    const { eventIds: [eventId] } = await publishTo('slow-recovery', (nth) => (nth < 2 ? { status: 503 } : { status: 200 }));

    expect(await waitForEventStatus(fx.db, eventId!, 'retrying')).toBe('retrying');
    expect(await waitForEventStatus(fx.db, eventId!, 'processed', 'failed')).toBe('processed');
  });

  it('when the receiver answers 410, disables the integration with an audit fact and dead-letters the job at once', async () => {
    const { integrationId, eventIds: [eventId] } = await publishTo('gone', () => ({ status: 410 }));

    expect(await waitForEventStatus(fx.db, eventId!, 'failed', 'processed')).toBe('failed');
    const [job] = await jobsOf(fx.db, eventId!);
    expect(job).toMatchObject({ status: 'dead', attempt_count: 1, last_status_code: 410 });
    const integration = (await fx.db('integrations').where({ id: integrationId }).first()) as { state: string; disabled_reason: string };
    expect(integration).toMatchObject({ state: 'disabled', disabled_reason: 'endpoint answered 410 Gone' });
    const fact = await fx.waitForAudit(`integration.disabled:${integrationId}:${job!.id}`);
    expect(fact).toMatchObject({
      entityType: 'integration', entityId: integrationId, action: 'disabled', actor: 'dispatcher',
      details: { reason: 'endpoint answered 410 Gone', statusCode: 410, jobId: job!.id, eventId },
    });
    await deadLettersFor(fx, job!.id, deadLetters);
    await fx.waitForAudit(`job.dead_lettered:${job!.id}:1`);
    expect(receipts(eventId!)).toHaveLength(1);
  });
});

describe('dispatcher Retry-After and circuit breaker (schedule 50ms, 1s, 1s, 1s; breaker at 2 failed jobs)', () => {
  let fx: DispatcherFixture;
  let sink: Receiver;

  beforeAll(async () => {
    fx = await startDispatcher('dispbreaker', { RETRY_SCHEDULE: '50ms,1s,1s,1s', CIRCUIT_BREAKER_THRESHOLD: '2' });
    sink = await startReceiver();
  });

  afterAll(async () => {
    await fx.close();
    await sink.close();
  });

  it('when a 429 says Retry-After: 1, the next attempt waits for the 1 s tier instead of the 50 ms one', async () => {
    const provider = uniqueProvider('acme');
    await fx.insertIntegration({ provider, url: `${sink.url}/throttled`, eventTypes: ['*'] });
    const receiptsOf = byEvent(sink, (_eventId, nth) => (nth === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });

    await fx.publishEvent({ kind: 'event', eventId, provider, type: 'order.created' });

    expect(await waitForEventStatus(fx.db, eventId, 'processed', 'failed')).toBe('processed');
    const [first, second] = receiptsOf(eventId);
    const gap = second!.receivedAt - first!.receivedAt;
    expect(gap).toBeGreaterThanOrEqual(1_000 - TIER_SLACK_MS);
    console.log(`retry-after gap: asked 1000ms, waited ${gap}ms`);
  });

  it('after two jobs in a row die, disables the integration and parks the job still waiting for its retry', async () => {
    const provider = uniqueProvider('acme');
    const integration = await fx.insertIntegration({ provider, url: `${sink.url}/breaker`, eventTypes: ['*'] });
    const [waiting, first, second] = [
      await fx.insertEvent({ provider, type: 'order.created' }),
      await fx.insertEvent({ provider, type: 'order.created' }),
      await fx.insertEvent({ provider, type: 'order.created' }),
    ];
    // The waiting event's job is told to come back in a second (again and again, so a slow machine still
    // has attempts left when the breaker opens); the two others die at once meanwhile.
    const receiptsOf = byEvent(sink, (eventId) => (eventId === waiting
      ? { status: 503, headers: { 'retry-after': '1' } }
      : { status: 400 }));
    await fx.publishEvent({ kind: 'event', eventId: waiting, provider, type: 'order.created' });
    await waitFor(async () => (await jobsOf(fx.db, waiting))[0]?.status === 'retrying', { what: 'the first job to wait for its retry' });

    await fx.publishEvent({ kind: 'event', eventId: first, provider, type: 'order.created' });
    await fx.publishEvent({ kind: 'event', eventId: second, provider, type: 'order.created' });

    for (const eventId of [first, second]) expect(await waitForEventStatus(fx.db, eventId, 'failed')).toBe('failed');
    const row = (await fx.db('integrations').where({ id: integration.id }).first()) as { state: string; disabled_reason: string; consecutive_failures: number };
    expect(row).toMatchObject({ state: 'disabled', disabled_reason: 'circuit breaker: 2 consecutive failed jobs', consecutive_failures: 2 });
    const facts = await waitFor(async () => {
      const found = (await fx.auditFacts()).filter((fact) => fact.factId.startsWith(`integration.disabled:${integration.id}:`));
      return found.length > 0 ? found : undefined;
    }, { what: 'the integration.disabled fact' });
    expect(facts).toHaveLength(1);
    expect(facts[0]!.details).toMatchObject({ reason: 'circuit breaker: 2 consecutive failed jobs', statusCode: 400 });

    await waitFor(async () => (await jobsOf(fx.db, waiting))[0]?.status === 'parked', { what: 'the waiting job to be parked', timeoutMs: 5_000 });
    const [parked] = await jobsOf(fx.db, waiting);
    // Parking sends nothing and does not count the attempt it did not make: releasing the job
    // publishes attempt_count + 1.
    const sent = receiptsOf(waiting).length;
    expect(parked).toMatchObject({ attempt_count: sent, completed_at: null });
    expect(await attemptsOf(fx.db, waiting)).toHaveLength(sent);
    expect(sent).toBeLessThan(5);
    expect(await eventStatus(fx.db, waiting)).toBe('processing');
  });
});

describe('dispatcher behind the SSRF guard (no address allowed)', () => {
  let fx: DispatcherFixture;
  let sink: Receiver;

  beforeAll(async () => {
    fx = await startDispatcher('dispssrf', { OUTBOUND_ALLOW_CIDRS: '' });
    sink = await startReceiver();
  });

  afterAll(async () => {
    await fx.close();
    await sink.close();
  });

  it('when the URL resolves to loopback, records SSRF_BLOCKED, dead-letters after one attempt and sends nothing', async () => {
    const provider = uniqueProvider('acme');
    await fx.insertIntegration({ provider, url: `http://localhost:${sink.port}/hooks`, eventTypes: ['*'] });
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });

    await fx.publishEvent({ kind: 'event', eventId, provider, type: 'order.created' });

    expect(await waitForEventStatus(fx.db, eventId, 'failed', 'processed')).toBe('failed');
    const [job] = await jobsOf(fx.db, eventId);
    expect(job).toMatchObject({ status: 'dead', attempt_count: 1, last_status_code: null });
    const attempts = await attemptsOf(fx.db, eventId);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ status: 'failed', error_code: 'SSRF_BLOCKED', status_code: null });
    const [letter] = await deadLettersFor(fx, job!.id, []);
    expect(letter!.reason).toMatch(/^SSRF_BLOCKED: /);
    await waitFor(async () => (await fx.handledJobMessages()) >= 1, { what: 'the job message to be handled' });
    expect(sink.requests).toHaveLength(0);
  });
});
