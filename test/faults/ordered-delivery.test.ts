// Scenario: ordered delivery per subject (issue 19) while the dispatcher is SIGKILLed mid-load. One integration
// with ordering 'subject' delivers to a receiver that answers about one request in ten with a 500. Each subject's
// events must reach it one at a time, first succeeding in the order ingress accepted them, while the subjects
// flow in parallel; and, as in every scenario, nothing accepted is lost and nothing unexpected arrives.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startReceiver, waitFor, type ReceivedRequest, type Receiver } from '@hookway/testing';
import { report, Suite } from './harness.js';
import { expectNoSecretsLeaked } from './leaks.js';

const SUBJECTS = 50;
const PER_SUBJECT = 40;
const EVENTS = SUBJECTS * PER_SUBJECT;
/** Events per second over all subjects: each subject sends one every SUBJECTS × 1000 / RATE ms. */
const RATE = 500;
const FAILURE_RATE = 0.1;
// Only the retry tiers the harness's broker declares (200 ms … 2 s), but eight retries instead of four: with one
// answer in ten failing, an event dies (and is never delivered) once in 10^9 instead of once in 10^5.
const RETRY_SCHEDULE = '200ms,200ms,500ms,500ms,1s,1s,2s,2s';

/** What the receiver saw of one subject. */
interface SubjectRecord {
  /** Events of the subject whose request is open at the receiver now: index → open requests. */
  inFlight: Map<number, number>;
  /** Event indexes in the order the receiver first answered them 2xx. */
  firstSuccesses: number[];
}

interface OrderingReceiver extends Receiver {
  subjects: Map<string, SubjectRecord>;
  /** Every request, whatever its answer. */
  attempts: () => number;
  /** Requests answered 500. */
  failures: () => number;
  /** Arrivals of an event while another event of its subject was still open at the receiver. */
  overlaps: string[];
  /** Arrivals of an event while the same event was still open (a redelivery racing the request it replaces). */
  sameEventOverlaps: () => number;
  /** Requests without a subject and a numeric data.index. */
  unreadable: () => number;
}

/**
 * A receiver on 127.0.0.1:0 that fails about one request in ten, holds each a few milliseconds so that requests
 * sent too early overlap, and tracks per subject what is open and what first succeeded. Its `requests` are the
 * 2xx-answered ones: the deliveries the harness's accounting counts.
 */
async function startOrderingReceiver(): Promise<OrderingReceiver> {
  const subjects = new Map<string, SubjectRecord>();
  const succeeded = new Set<string>();
  const overlaps: string[] = [];
  let attempts = 0;
  let failures = 0;
  let sameEventOverlaps = 0;
  let unreadable = 0;
  const receiver = await startReceiver({
    keep: (_request, reply) => reply.status >= 200 && reply.status < 300,
    onRequest: (request, reply, onClosed) => {
      attempts += 1;
      if (reply.status >= 500) failures += 1;
      const event = readEvent(request);
      if (!event) {
        unreadable += 1;
        return;
      }
      const record = subjects.get(event.subject) ?? { inFlight: new Map<number, number>(), firstSuccesses: [] };
      subjects.set(event.subject, record);
      const others = [...record.inFlight.keys()].filter((index) => index !== event.index);
      if (others.length > 0) overlaps.push(`${event.subject}: ${event.index} arrived while ${others.join(', ')} open`);
      if (record.inFlight.has(event.index)) sameEventOverlaps += 1;
      record.inFlight.set(event.index, (record.inFlight.get(event.index) ?? 0) + 1);
      onClosed(() => {
        const left = (record.inFlight.get(event.index) ?? 1) - 1;
        if (left > 0) record.inFlight.set(event.index, left);
        else record.inFlight.delete(event.index);
      });
      if (reply.status >= 200 && reply.status < 300 && !succeeded.has(event.id)) {
        succeeded.add(event.id);
        record.firstSuccesses.push(event.index);
      }
    },
  });
  receiver.reply(() => ({ status: Math.random() < FAILURE_RATE ? 500 : 200, body: 'ok', delayMs: 2 + Math.floor(Math.random() * 10) }));
  return Object.assign(receiver, {
    subjects,
    attempts: () => attempts,
    failures: () => failures,
    overlaps,
    sameEventOverlaps: () => sameEventOverlaps,
    unreadable: () => unreadable,
  });
}

/** The subject and data.index of a delivery (the envelope buildWebhookRequest sends), with its webhook-id. */
function readEvent(request: ReceivedRequest): { id: string; subject: string; index: number } | undefined {
  const id = request.headers['webhook-id'];
  try {
    const body = JSON.parse(request.body) as { subject?: unknown; data?: { index?: unknown } };
    if (typeof id !== 'string' || typeof body.subject !== 'string' || typeof body.data?.index !== 'number') return undefined;
    return { id, subject: body.subject, index: body.data.index };
  } catch {
    return undefined;
  }
}

/** Pairs of one sequence out of order: 0 when it strictly increases (its values are distinct). */
function inversions(sequence: readonly number[]): number {
  let count = 0;
  for (let i = 0; i < sequence.length; i += 1) {
    for (let j = i + 1; j < sequence.length; j += 1) if (sequence[i]! > sequence[j]!) count += 1;
  }
  return count;
}

const subjectName = (subject: number): string => `order/ordered-${String(subject).padStart(2, '0')}`;

/**
 * Each subject's events one after the other (the next is sent once the previous one's answer came, so its ingress
 * order is its index order), the subjects side by side, paced to RATE in all and staggered so the load is even.
 */
async function sendInterleaved(suite: Suite): Promise<void> {
  const intervalMs = (SUBJECTS * 1000) / RATE;
  const startedAt = Date.now();
  const sendSubject = async (subject: number): Promise<void> => {
    for (let index = 0; index < PER_SUBJECT; index += 1) {
      const due = startedAt + (subject * intervalMs) / SUBJECTS + index * intervalMs;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      await suite.sendOne(undefined, 10_000, { subject: subjectName(subject), data: { index } });
    }
  };
  await Promise.all(Array.from({ length: SUBJECTS }, (_, subject) => sendSubject(subject)));
}

/** Subjects whose events' index order differs from their events.seq order (the order ingress accepted them). */
async function ingressOrderMismatches(suite: Suite): Promise<string[]> {
  const rows = await suite.database.db('events').where({ provider: 'acme' }).orderBy('seq')
    .select<{ subject: string; index: number }[]>('subject', suite.database.db.raw(`(data->>'index')::int AS index`));
  const bySubject = new Map<string, number[]>();
  for (const row of rows) bySubject.set(row.subject, [...(bySubject.get(row.subject) ?? []), row.index]);
  return [...bySubject].filter(([, indexes]) => inversions(indexes) > 0).map(([subject]) => subject);
}

async function jobStatuses(suite: Suite): Promise<Record<string, number>> {
  const rows = await suite.database.db('delivery_jobs').groupBy('status').select<{ status: string; count: number }[]>('status', suite.database.db.raw('count(*)::int AS count'));
  return Object.fromEntries(rows.map((row) => [row.status, row.count]));
}

/** Jobs in any status but succeeded, as `status:count` (waiting, retrying, dead, …); '' when there are none. */
function unfinished(statuses: Record<string, number>): string {
  return Object.entries(statuses).filter(([status]) => status !== 'succeeded').map(([status, count]) => `${status}:${count}`).join(',');
}

describe('fault: ordered delivery under dispatcher SIGKILL', () => {
  let suite: Suite | undefined;
  let receiver: OrderingReceiver;

  beforeAll(async () => {
    receiver = await startOrderingReceiver();
    suite = await Suite.start('faultordered', { RETRY_SCHEDULE }, { integration: { ordering: 'subject', orderingOnDead: 'skip' }, receiver });
  });

  afterAll(async () => {
    if (suite) await suite.stop();
    else await receiver?.close();
  });

  it('delivers each subject one event at a time, first successes in ingress order: 0 inversions, 0 overlaps, 0 lost', async () => {
    const running = suite!;
    const sending = sendInterleaved(running);
    // Mid-load: half the events sent, and deliveries under way.
    await waitFor(() => running.acceptedIds().size >= EVENTS / 2 && running.receipts().size >= SUBJECTS,
      { timeoutMs: 20_000, what: 'half the events accepted and the first deliveries' });
    const atKill = { accepted: running.acceptedIds().size, delivered: running.receipts().size };
    await running.restart('dispatcher');
    await sending;
    // Each subject is a line of 40 deliveries one after the other, with retries: on a busy machine it takes minutes.
    const accounting = await running.settle(150_000);
    await waitFor(async () => unfinished(await jobStatuses(running)) === '', { timeoutMs: 10_000, what: 'every job succeeded' }).catch(() => undefined);
    const statuses = await jobStatuses(running);

    const records = [...receiver.subjects.values()];
    const inversionCount = records.reduce((sum, record) => sum + inversions(record.firstSuccesses), 0);
    const mismatches = await ingressOrderMismatches(running);
    report('ordered delivery under dispatcher SIGKILL', accounting, {
      kills: 1,
      acceptedAtKill: atKill.accepted,
      deliveredAtKill: atKill.delivered,
      subjects: receiver.subjects.size,
      arrivals: receiver.attempts(),
      failed: receiver.failures(),
      inversions: inversionCount,
      overlaps: receiver.overlaps.length,
      sameEventOverlaps: receiver.sameEventOverlaps(),
      stuck: unfinished(statuses) || 0,
    });

    expect(accounting.accepted).toBe(EVENTS);
    expect(accounting.lost).toBe(0);
    expect(accounting.unexpected).toBe(0);
    expect(receiver.unreadable()).toBe(0);
    // The premise: one subject's events reached ingress in index order.
    expect(mismatches).toEqual([]);
    expect(receiver.subjects.size).toBe(SUBJECTS);
    expect(inversionCount).toBe(0);
    expect(receiver.overlaps.slice(0, 10)).toEqual([]);
    expect(statuses).toEqual({ succeeded: EVENTS });
    // The failures were real: about one request in ten, so the order held across retries.
    expect(receiver.failures()).toBeGreaterThan(EVENTS * FAILURE_RATE / 2);
  });

  it('leaks no secret into logs or audit entries', async () => {
    await expectNoSecretsLeaked(suite!);
  });
});
