import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { publishIdempotencyScope } from '@hookway/contracts';
import { createTestDatabase, type TestDatabase } from '@hookway/testing';
import { purgeExpiredIdempotencyKeys } from '../src/data-access/idempotency-key.repository.js';
import { idempotencyScope } from '../src/domain/integration.service.js';

describe('purging management\'s Idempotency-Keys of closed windows', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('mgmtkeypurge');
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('deletes integration-creation keys older than 24 h in every workspace, in batches, and keeps fresh ones and ingress\'s own', async () => {
    const hoursAgo = (hours: number): Date => new Date(Date.now() - hours * 3_600_000);
    const row = (scope: string, key: string, createdAt: Date) => ({ scope, key, request_hash: 'h', created_at: createdAt });
    const workspaceId = '2c7e1f6a-5d1b-4b8e-9a55-0b6f2f1d9e01';
    await database.db('idempotency_keys').insert([
      ...Array.from({ length: 5 }, (_, n) => row(idempotencyScope({}), `old-${n}`, hoursAgo(25))),
      ...Array.from({ length: 2 }, (_, n) => row(idempotencyScope({ workspaceId }), `old-ws-${n}`, hoursAgo(30))),
      row(idempotencyScope({ workspaceId }), 'fresh', hoursAgo(23)),
      row(publishIdempotencyScope(workspaceId), 'publish-old', hoursAgo(48)),
    ]);

    expect(await purgeExpiredIdempotencyKeys(database.db, 3)).toBe(7);

    const left = await database.db('idempotency_keys').orderBy('key').pluck('key');
    expect(left).toEqual(['fresh', 'publish-old']);
  });
});
