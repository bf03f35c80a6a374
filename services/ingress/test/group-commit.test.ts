import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request, { type Response } from 'supertest';
import { DEFAULT_WORKSPACE_ID } from '@hookway/contracts';
import { isDataException, isForeignKeyViolation, type Knex } from '@hookway/db';
import { createTestDatabase, waitFor, type TestDatabase } from '@hookway/testing';
import { BatchedEventStore } from '../src/data-access/batched-event.store.js';
import { EventRepository } from '../src/data-access/event.repository.js';
import type { NewEvent } from '../src/domain/webhook-intake.js';
import { acmeBody, acmeSignature, dataOf, errorOf, startHarness, type Harness } from './support.js';

interface BatchSizes {
  count: number;
  sum: number;
}

async function insertBatchSizes(opsUrl: string): Promise<BatchSizes> {
  const text = (await request(opsUrl).get('/metrics')).text;
  const read = (suffix: string): number => {
    const match = new RegExp(`^hookway_ingress_insert_batch_size_${suffix}\\{[^}]*\\} (\\d+)$`, 'm').exec(text);
    if (!match) throw new Error(`hookway_ingress_insert_batch_size_${suffix} is not on /metrics`);
    return Number(match[1]);
  };
  return { count: read('count'), sum: read('sum') };
}

/** Webhooks waiting for their INSERT, from the ingress gauge. */
async function insertsPending(opsUrl: string): Promise<number> {
  const text = (await request(opsUrl).get('/metrics')).text;
  const match = /^hookway_ingress_inserts_pending\{[^}]*\} (\d+)$/m.exec(text);
  if (!match) throw new Error('hookway_ingress_inserts_pending is not on /metrics');
  return Number(match[1]);
}

/**
 * Runs `send` while every write to the events table is held by a SHARE lock: the insert statements
 * already running wait on it, so the webhooks that arrive meanwhile queue up in the batcher, as under
 * load. `settled(n)` returns once n webhooks in all wait for their insert (queued or in a held statement).
 */
async function whileEventWritesHeld(db: Knex, opsUrl: string, send: (settled: (inHand: number) => Promise<void>) => Promise<void>): Promise<void> {
  const settled = async (inHand: number): Promise<void> => {
    await waitFor(async () => (await insertsPending(opsUrl)) === inHand, { what: `${inHand} webhooks to wait for their insert` });
  };
  const trx = await db.transaction();
  try {
    await trx.raw('LOCK TABLE events IN SHARE MODE');
    await send(settled);
  } finally {
    await trx.commit();
  }
}

describe('group commit of accepted webhooks', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness('ingressgroupcommit');
  });

  afterAll(async () => {
    await harness.stop();
  });

  const postAcme = (body: Record<string, unknown>): Promise<Response> => {
    const text = JSON.stringify(body);
    return request(harness.url)
      .post('/api/v1/webhooks/acme')
      .set('content-type', 'application/json')
      .set('x-acme-signature', acmeSignature(harness.config, text))
      .send(text)
      .then((response) => response);
  };

  const storedExternalIds = async (externalIds: string[]): Promise<string[]> =>
    (await harness.database.db('events').where({ provider: 'acme' }).whereIn('external_id', externalIds).pluck('external_id')) as string[];

  it('when 100 webhooks arrive at once, accepts and publishes every one with fewer INSERT statements than webhooks', async () => {
    const before = await insertBatchSizes(harness.opsUrl);
    const bodies = Array.from({ length: 100 }, () => acmeBody());
    let sent: Promise<Response>[] = [];
    await whileEventWritesHeld(harness.database.db, harness.opsUrl, async (settled) => {
      sent = bodies.map((body) => postAcme(body));
      await settled(100);
    });
    const responses = await Promise.all(sent);

    expect(responses.map((response) => response.status)).toEqual(bodies.map(() => 202));
    const eventIds = responses.map((response) => dataOf(response).eventId);
    expect(new Set(eventIds).size).toBe(100);
    expect((await storedExternalIds(bodies.map((body) => body.eventId as string))).length).toBe(100);

    const after = await insertBatchSizes(harness.opsUrl);
    expect(after.sum - before.sum).toBe(100);
    expect(after.count - before.count).toBeLessThan(100);

    // Broker confirms are marked in batches too; every row ends up marked (well before the relay's grace).
    await waitFor(async () => {
      const [row] = await harness.database.db('events').whereIn('id', eventIds).whereNotNull('published_at').count<{ count: number }[]>({ count: '*' });
      return row?.count === 100;
    }, { what: 'published_at on all 100 rows', timeoutMs: 5_000 });
  });

  it('when the same provider event id arrives 10 times at once, exactly one is accepted and the nine others are duplicates of it', async () => {
    const body = acmeBody();
    let others: Promise<Response>[] = [];
    let copies: Promise<Response>[] = [];
    await whileEventWritesHeld(harness.database.db, harness.opsUrl, async (settled) => {
      // Other webhooks take the running statements first, so the ten copies share one queued statement.
      others = Array.from({ length: 10 }, () => postAcme(acmeBody()));
      await settled(10);
      copies = Array.from({ length: 10 }, () => postAcme(body));
      await settled(20);
    });
    const responses = await Promise.all(copies);
    expect((await Promise.all(others)).map((response) => response.status)).toEqual(others.map(() => 202));

    const accepted = responses.filter((response) => response.status === 202);
    const duplicates = responses.filter((response) => response.status === 200);
    expect(accepted).toHaveLength(1);
    expect(duplicates).toHaveLength(9);
    const eventId = dataOf(accepted[0]!).eventId;
    for (const duplicate of duplicates) expect(dataOf(duplicate)).toMatchObject({ eventId, duplicate: true });
    expect(await harness.database.db('events').where({ provider: 'acme', external_id: body.eventId }).pluck('id')).toEqual([eventId]);
  });

  it('when one of 21 webhooks arriving at once holds a value PostgreSQL refuses, only that one gets 400 INVALID_PAYLOAD and the 20 others are stored', async () => {
    const good = Array.from({ length: 20 }, () => acmeBody());
    const bad = acmeBody({ data: { note: 'a\u0000b' } });
    let first: Promise<Response>[] = [];
    let rest: Promise<Response>[] = [];
    await whileEventWritesHeld(harness.database.db, harness.opsUrl, async (settled) => {
      // The first ten take the running statements; the refused one then shares a queued statement with the rest.
      first = good.slice(0, 10).map((body) => postAcme(body));
      await settled(10);
      rest = [bad, ...good.slice(10)].map((body) => postAcme(body));
      await settled(21);
    });
    const [badResponse, ...restResponses] = await Promise.all(rest);
    const goodResponses = [...(await Promise.all(first)), ...restResponses];

    expect(badResponse!.status).toBe(400);
    expect(errorOf(badResponse!).code).toBe('INVALID_PAYLOAD');
    expect(goodResponses.map((response) => response.status)).toEqual(good.map(() => 202));
    expect((await storedExternalIds(good.map((body) => body.eventId as string))).length).toBe(20);
    expect(await storedExternalIds([bad.eventId as string])).toEqual([]);
  });
});

describe('BatchedEventStore on PostgreSQL', () => {
  let database: TestDatabase;
  let repository: EventRepository;

  beforeAll(async () => {
    database = await createTestDatabase('ingressbatchedstore');
    repository = new EventRepository(database.db);
  });

  afterAll(async () => {
    await database.drop();
  });

  const newEvent = (externalId: string, data: Record<string, unknown> = { n: 1 }): NewEvent => ({
    id: randomUUID(),
    workspaceId: DEFAULT_WORKSPACE_ID,
    provider: 'acme',
    externalId,
    type: 'order.created',
    occurredAt: '2026-11-22T10:00:00.000Z',
    subject: null,
    data,
    rawHeaders: {},
    rawBody: '{}',
    correlationId: `corr-${externalId}`,
  });

  const publishedIds = async (ids: string[]): Promise<string[]> =>
    (await database.db('events').whereIn('id', ids).whereNotNull('published_at').pluck('id')) as string[];

  const storeWithBatches = (): { store: BatchedEventStore; batches: number[] } => {
    const batches: number[] = [];
    const store = new BatchedEventStore(repository, {
      maxBatchSize: 64, insertsInFlight: 1, marksInFlight: 1, onInsertBatch: (size) => batches.push(size),
    });
    return { store, batches };
  };

  it('marking events published holds them against other writers but not against the foreign-key check of a job insert', async () => {
    const event = newEvent(`mark_${randomUUID()}`);
    await repository.insertAllIfNew([event]);
    const [integration] = await database.db('integrations')
      .insert({ name: 'mark lock', provider: 'acme', url: 'https://example.com/hooks', event_types: JSON.stringify(['*']), headers: '{}', secret_sealed: 'v1:x:y:z' })
      .returning<Array<{ id: string }>>('id');
    const holder = await database.db.transaction();
    try {
      await repository.markPublished([event.id], holder);
      // A short lock_timeout turns "would wait" into an error (55P03) instead of a hang.
      const attempt = (work: (trx: typeof holder) => Promise<unknown>): Promise<string> => database.db.transaction(async (trx) => {
        await trx.raw("SET LOCAL lock_timeout = '300ms'");
        await work(trx);
      }).then(() => 'done', (error: { code?: string }) => error.code ?? 'error');

      expect(await attempt((trx) => trx('delivery_jobs').insert({
        event_id: event.id, integration_id: integration!.id, status: 'pending', attempt_count: 0, max_attempts: 3,
      }))).toBe('done');
      expect(await attempt((trx) => trx('events').where({ id: event.id }).update({ status: 'processing' }))).toBe('55P03');
    } finally {
      await holder.commit();
    }
    expect(await publishedIds([event.id])).toEqual([event.id]);
  });

  it('when one statement holds the same provider event id twice, the first is new, the second is not and finds the first', async () => {
    const { store, batches } = storeWithBatches();
    const externalId = `dup_${randomUUID()}`;
    const first = newEvent(externalId);
    const second = newEvent(externalId);
    const other = newEvent(`other_${randomUUID()}`);

    const results = await Promise.all([first, second, other].map((event) => store.insertIfNew(event)));

    expect(batches).toEqual([3]);
    expect(results).toEqual([true, false, true]);
    expect(await store.findByExternalId('acme', externalId)).toEqual({ id: first.id, status: 'pending' });
  });

  it('when one event in a statement holds a value PostgreSQL refuses, only its caller fails, with a data exception', async () => {
    const { store, batches } = storeWithBatches();
    const events = [newEvent(`ok_${randomUUID()}`), newEvent(`nul_${randomUUID()}`, { note: 'a\u0000b' }), newEvent(`ok_${randomUUID()}`)];

    const results = await Promise.allSettled(events.map((event) => store.insertIfNew(event)));

    expect(batches[0]).toBe(3);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(isDataException((results[1] as PromiseRejectedResult).reason)).toBe(true);
    const stored = (await database.db('events').whereIn('id', events.map((event) => event.id)).pluck('id')) as string[];
    expect(stored.sort()).toEqual([events[0]!.id, events[2]!.id].sort());
  });

  it('when one event in a statement names a workspace that is gone, only its caller fails, with a foreign-key violation', async () => {
    const { store, batches } = storeWithBatches();
    const orphan = { ...newEvent(`orphan_${randomUUID()}`), workspaceId: randomUUID() };
    const events = [newEvent(`ok_${randomUUID()}`), orphan, newEvent(`ok_${randomUUID()}`)];

    const results = await Promise.allSettled(events.map((event) => store.insertIfNew(event)));

    expect(batches[0]).toBe(3);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(isForeignKeyViolation((results[1] as PromiseRejectedResult).reason)).toBe(true);
    const stored = (await database.db('events').whereIn('id', events.map((event) => event.id)).pluck('id')) as string[];
    expect(stored.sort()).toEqual([events[0]!.id, events[2]!.id].sort());
  });

  it('marks the events whose publish was confirmed and leaves the others unpublished', async () => {
    const { store } = storeWithBatches();
    const [published, also, untouched] = [newEvent(`m_${randomUUID()}`), newEvent(`m_${randomUUID()}`), newEvent(`m_${randomUUID()}`)];
    await Promise.all([published, also, untouched].map((event) => store.insertIfNew(event)));

    await Promise.all([store.markPublished([published.id]), store.markPublished([also.id])]);

    expect((await publishedIds([published.id, also.id, untouched.id])).sort()).toEqual([published.id, also.id].sort());
  });

  it('drain resolves only once every queued insert and mark has been written', async () => {
    const { store } = storeWithBatches();
    const events = [newEvent(`d_${randomUUID()}`), newEvent(`d_${randomUUID()}`), newEvent(`d_${randomUUID()}`)];
    const ids = events.map((event) => event.id);

    const inserted = Promise.all(events.map((event) => store.insertIfNew(event)));
    await store.drain();
    expect(await database.db('events').whereIn('id', ids).pluck('id')).toHaveLength(3);
    await inserted;

    const marked = store.markPublished(ids);
    await store.drain();
    expect(await publishedIds(ids)).toHaveLength(3);
    await marked;
  });
});
