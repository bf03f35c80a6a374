// Workspace API keys for operators. Only the SHA-256 of a key is stored; no query here selects key_hash,
// so a listing cannot show more than the prefix.
import { rateLimitOf, type Knex } from '@hookway/db';
import type { ApiKey, ApiKeyStore, NewApiKey, Page, PageRequest } from '../domain/ports.js';
import { paginate } from './shared.js';

interface ApiKeyRow {
  id: string;
  workspace_id: string;
  name: string;
  key_prefix: string;
  scopes: string[];
  rate_limit_per_second: number | null;
  rate_limit_burst: number | null;
  created_by: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = [
  'id', 'workspace_id', 'name', 'key_prefix', 'scopes', 'rate_limit_per_second', 'rate_limit_burst', 'created_by', 'created_at',
  'last_used_at', 'revoked_at',
] as const;

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    prefix: row.key_prefix,
    scopes: row.scopes,
    rateLimit: rateLimitOf(row),
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

export class ApiKeyRepository implements ApiKeyStore {
  constructor(private readonly db: Knex) {}

  async list(workspaceId: string, page: PageRequest): Promise<Page<ApiKey>> {
    return paginate<ApiKeyRow, ApiKey>(
      this.db,
      () => this.db('api_keys').where({ workspace_id: workspaceId }),
      page,
      (query) => query.select(COLUMNS).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]),
      toApiKey,
    );
  }

  async liveNameTaken(workspaceId: string, name: string): Promise<boolean> {
    const row = await this.db('api_keys').select('id').where({ workspace_id: workspaceId, name }).whereNull('revoked_at')
      .first<{ id: string } | undefined>();
    return row !== undefined;
  }

  async create(key: NewApiKey): Promise<ApiKey> {
    const [row] = await this.db('api_keys').insert({
      workspace_id: key.workspaceId,
      name: key.name,
      key_hash: key.keyHash,
      key_prefix: key.prefix,
      scopes: key.scopes,
      rate_limit_per_second: key.rateLimit?.perSecond ?? null,
      rate_limit_burst: key.rateLimit?.burst ?? null,
      created_by: key.createdBy,
    }).returning<ApiKeyRow[]>(COLUMNS);
    return toApiKey(row!);
  }

  async revoke(workspaceId: string, keyId: string): Promise<{ key: ApiKey; revokedNow: boolean } | undefined> {
    const [revoked] = await this.db('api_keys').where({ id: keyId, workspace_id: workspaceId }).whereNull('revoked_at')
      .update({ revoked_at: this.db.fn.now() }).returning<ApiKeyRow[]>(COLUMNS);
    if (revoked) return { key: toApiKey(revoked), revokedNow: true };
    const existing = await this.db('api_keys').select<ApiKeyRow[]>(COLUMNS).where({ id: keyId, workspace_id: workspaceId })
      .first<ApiKeyRow | undefined>();
    return existing && { key: toApiKey(existing), revokedNow: false };
  }
}
