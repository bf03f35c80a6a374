// JobStream over the job facts of a real PostgreSQL audit log: the log is read only while a client is
// connected, a resuming client gets what it missed before what is live, each fact once and in order,
// and a log that cannot be read fails only the client that asked.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, waitFor, type TestDatabase } from '@hookway/testing';
import { JobFactRepository } from '../src/data-access/job-fact.repository.js';
import { JobStream, type JobFactSource, type JobUpdate, type StreamFilter, type StreamMessage } from '../src/domain/job-stream.js';
import { appendAuditChain, type SeedAuditFact } from './management-fixture.js';

/** The real repository, counting how often the log is opened and read, with a failure or a hold the test injects. */
class ObservedSource implements JobFactSource {
  starts = 0;
  failNextStart = false;
  holdWindow: Promise<void> | undefined;
  readonly seen: number[] = [];

  constructor(private readonly facts: JobFactRepository) {}

  async latestPosition(): Promise<number> {
    this.starts += 1;
    if (this.failNextStart) {
      this.failNextStart = false;
      throw new Error('database refused the read');
    }
    return this.facts.latestPosition();
  }

  async after(position: number, limit: number): Promise<JobUpdate[]> {
    const updates = await this.facts.after(position, limit);
    this.seen.push(...updates.map((update) => Number(update.id)));
    return updates;
  }

  async window(after: number, upTo: number, filter: StreamFilter, limit: number): Promise<{ updates: JobUpdate[]; truncated: boolean }> {
    const result = await this.facts.window(after, upTo, filter, limit);
    await this.holdWindow;
    return result;
  }
}

const delivered = (integrationId = randomUUID()): SeedAuditFact => ({
  factId: `job.delivered:${randomUUID()}`, entityType: 'job', entityId: randomUUID(), action: 'delivered', actor: 'dispatcher',
  details: { eventId: randomUUID(), integrationId, attempt: 1, statusCode: 200, latencyMs: 3 },
});

const updatesOf = (messages: StreamMessage[]): JobUpdate[] =>
  messages.flatMap((message) => (message.kind === 'update' ? [message.update] : []));

describe('JobStream against PostgreSQL', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('jobstream');
  });

  afterAll(async () => {
    await database.drop();
  });

  const streamOver = (source: JobFactSource, resumeWindow = 100): JobStream => new JobStream(source, { pollIntervalMs: 20, resumeWindow });

  it('reads the log from the first client to the last, and again, from the then newest fact, for the next one', async () => {
    const source = new ObservedSource(new JobFactRepository(database.db));
    const stream = streamOver(source);
    const first: StreamMessage[] = [];
    const second: StreamMessage[] = [];
    const a = await stream.subscribe({});
    const b = await stream.subscribe({});
    a.start((message) => first.push(message));
    b.start((message) => second.push(message));
    expect(source.starts).toBe(1);

    const [seen] = await appendAuditChain(database.db, [delivered()]);
    await waitFor(() => first.length === 1 && second.length === 1, { what: 'the update to reach both clients' });
    expect(updatesOf(first)[0]).toMatchObject({ id: String(seen), type: 'job.delivered' });

    a.close();
    b.close();
    await stream.idle();
    // Nobody listens: this fact is before the next live-only client's start.
    await appendAuditChain(database.db, [delivered()]);

    const third: StreamMessage[] = [];
    const c = await stream.subscribe({});
    c.start((message) => third.push(message));
    expect(source.starts).toBe(2);
    const [later] = await appendAuditChain(database.db, [delivered()]);
    await waitFor(() => third.length === 1, { what: 'the update to reach the next client' });
    expect(updatesOf(third).map((update) => update.id)).toEqual([String(later)]);
    c.close();
    await stream.idle();
    expect(stream.size).toBe(0);
  });

  it('a client that leaves while the log is being opened leaves nothing followed', async () => {
    const source = new ObservedSource(new JobFactRepository(database.db));
    const stream = streamOver(source);
    const subscriptions = await Promise.all([stream.subscribe({}), stream.subscribe({})]);
    for (const subscription of subscriptions) subscription.close();
    await stream.subscribe({}).then((subscription) => subscription.close());
    await stream.idle();
    expect(stream.size).toBe(0);
    // Following stopped: a new client opens the log again.
    const starts = source.starts;
    const next = await stream.subscribe({});
    expect(source.starts).toBe(starts + 1);
    next.close();
    await stream.idle();
  });

  it('a log that could not be opened fails that client only; the next one follows it', async () => {
    const source = new ObservedSource(new JobFactRepository(database.db));
    source.failNextStart = true;
    const stream = streamOver(source);
    await expect(stream.subscribe({})).rejects.toThrow('database refused the read');
    const next = await stream.subscribe({});
    expect(source.starts).toBe(2);
    expect(stream.size).toBe(1);
    next.close();
    await stream.idle();
  });

  it('a resuming client gets the facts it missed, then those recorded while they were read, each once and in order', async () => {
    const source = new ObservedSource(new JobFactRepository(database.db));
    const stream = streamOver(source);
    const integrationId = randomUUID();
    // A live client keeps the log followed, so facts appended while the resume reads its window are polled.
    const live = await stream.subscribe({});
    live.start(() => undefined);
    const [lastSeen] = await appendAuditChain(database.db, [delivered(integrationId)]);
    const missed = await appendAuditChain(database.db, [delivered(integrationId), delivered(), delivered(integrationId)]);
    await waitFor(() => source.seen.includes(missed.at(-1) ?? -1), { what: 'the follower to pass the missed facts' });

    let release: () => void = () => undefined;
    source.holdWindow = new Promise<void>((resolve) => {
      release = resolve;
    });
    const resuming = stream.subscribe({ integrationId }, lastSeen);
    // Recorded while the window is read: these come live, after the missed ones.
    const during = await appendAuditChain(database.db, [delivered(integrationId), delivered(integrationId)]);
    await waitFor(() => source.seen.includes(during.at(-1) ?? -1), { what: 'the follower to read the facts recorded meanwhile' });
    release();
    const subscription = await resuming;
    const received: StreamMessage[] = [];
    subscription.start((message) => received.push(message));
    const after = await appendAuditChain(database.db, [delivered(integrationId)]);
    await waitFor(() => updatesOf(received).length === 5, { what: 'missed, meanwhile and later facts' });

    const expected = [missed[0], missed[2], ...during, ...after].map(String);
    expect(updatesOf(received).map((update) => update.id)).toEqual(expected);
    expect(received.every((message) => message.kind === 'update')).toBe(true);
    subscription.close();
    live.close();
    await stream.idle();
  });

  it('a client further behind than the window gets a notice, then the newest facts the window holds', async () => {
    const source = new ObservedSource(new JobFactRepository(database.db));
    const stream = streamOver(source, 2);
    const [lastSeen] = await appendAuditChain(database.db, [delivered()]);
    const missed = await appendAuditChain(database.db, [delivered(), delivered(), delivered(), delivered()]);
    const subscription = await stream.subscribe({}, lastSeen);
    const received: StreamMessage[] = [];
    subscription.start((message) => received.push(message));

    expect(received[0]).toEqual({ kind: 'missed', notice: { lastEventId: String(lastSeen), replayedFrom: String(missed[2]), window: 2 } });
    expect(updatesOf(received).map((update) => update.id)).toEqual([missed[2], missed[3]].map(String));
    subscription.close();
    await stream.idle();
  });
});
