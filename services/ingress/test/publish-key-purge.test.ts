import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@hookway/testing';
import { BatchedEventStore } from '../src/data-access/batched-event.store.js';
import { EventRepository } from '../src/data-access/event.repository.js';
import { PublishedEventStore } from '../src/data-access/published-event.store.js';
import { IDEMPOTENCY_WINDOW_MS } from '../src/domain/published-events/idempotency.js';

describe('purging publish Idempotency-Keys of closed windows', () => {
  let database: TestDatabase;
  let store: PublishedEventStore;

  beforeAll(async () => {
    database = await createTestDatabase('keypurge');
    const events = new EventRepository(database.db);
    store = new PublishedEventStore(database.db, events, new BatchedEventStore(events, { maxBatchSize: 8, insertsInFlight: 1, marksInFlight: 1 }));
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('deletes publish keys older than the window, in batches, and keeps fresh ones and management\'s own', async () => {
    const hoursAgo = (hours: number): Date => new Date(Date.now() - hours * 3_600_000);
    const row = (scope: string, key: string, createdAt: Date) => ({ scope, key, request_hash: 'h', created_at: createdAt });
    await database.db('idempotency_keys').insert([
      ...Array.from({ length: 7 }, (_, n) => row('publish:w1', `old-${n}`, hoursAgo(25))),
      row('publish:w2', 'fresh', hoursAgo(23)),
      row('POST /integrations', 'management-old', hoursAgo(48)),
    ]);

    expect(await store.purgeExpiredKeys(IDEMPOTENCY_WINDOW_MS, 3)).toBe(7);

    const left = await database.db('idempotency_keys').orderBy('key').pluck('key');
    expect(left).toEqual(['fresh', 'management-old']);
  });
});
