// Looking up a workspace API key by its hash: the one read ingress and management both authenticate with.
// Every request reads the row, so a revoked key stops at once on every replica.
import type { Knex } from 'knex';
import { rateLimitOf } from './rows.js';

export interface ApiKeyRecord {
  id: string;
  workspaceId: string;
  name: string;
  scopes: string[];
  /** Null: no per-key limit. */
  rateLimit: { perSecond: number; burst: number } | null;
}

interface ApiKeyRow {
  id: string;
  workspace_id: string;
  name: string;
  scopes: string[];
  rate_limit_per_second: number | null;
  rate_limit_burst: number | null;
  last_used_at: Date | null;
}

/** How stale last_used_at may get: a key in use is written at most once a minute, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Whether the key still exists and is not revoked (a long-lived stream opened with it asks at each heartbeat). */
export async function apiKeyIsLive(db: Knex, id: string): Promise<boolean> {
  return (await db('api_keys').where('id', id).whereNull('revoked_at').first('id')) !== undefined;
}

/** The live (not revoked) key with this hash, or undefined; notes that it was used (to the minute). */
export async function findLiveApiKey(db: Knex, keyHash: string): Promise<ApiKeyRecord | undefined> {
  const row = await db('api_keys')
    .select<ApiKeyRow[]>('id', 'workspace_id', 'name', 'scopes', 'rate_limit_per_second', 'rate_limit_burst', 'last_used_at')
    .where('key_hash', keyHash)
    .whereNull('revoked_at')
    .first();
  if (!row) return undefined;
  if (row.last_used_at === null || Date.now() - row.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
    await db('api_keys').where('id', row.id).update({ last_used_at: db.fn.now() });
  }
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    scopes: row.scopes,
    rateLimit: rateLimitOf(row),
  };
}
