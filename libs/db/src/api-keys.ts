// Looking up a workspace API key by its hash: the one read ingress and management both authenticate with.
// Every request reads the row, so a revoked key stops at once on every replica.
import type { Knex } from 'knex';

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
}

/** The live (not revoked) key with this hash, or undefined. */
export async function findLiveApiKey(db: Knex, keyHash: string): Promise<ApiKeyRecord | undefined> {
  const row = await db('api_keys')
    .select<ApiKeyRow[]>('id', 'workspace_id', 'name', 'scopes', 'rate_limit_per_second', 'rate_limit_burst')
    .where('key_hash', keyHash)
    .whereNull('revoked_at')
    .first();
  if (!row) return undefined;
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    scopes: row.scopes,
    rateLimit: row.rate_limit_per_second !== null && row.rate_limit_burst !== null
      ? { perSecond: row.rate_limit_per_second, burst: row.rate_limit_burst }
      : null,
  };
}
