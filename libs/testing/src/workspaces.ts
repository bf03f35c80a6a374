// Tests put workspaces and their API keys straight into the database here (the management API makes them
// for users; a test about something else should not depend on those routes).
import { randomUUID } from 'node:crypto';
import type { Knex } from '@hookway/db';
import { generateApiKey } from '@hookway/signing';

/** Inserts a workspace and answers its id. */
export async function seedWorkspace(db: Knex, seed: { slug?: string; name?: string } = {}): Promise<string> {
  const id = randomUUID();
  await db('workspaces').insert({ id, slug: seed.slug ?? `ws-${id.slice(0, 8)}`, name: seed.name ?? `Workspace ${id.slice(0, 8)}` });
  return id;
}

export interface ApiKeySeed {
  workspaceId: string;
  name?: string;
  scopes: string[];
  rateLimit?: { perSecond: number; burst: number };
}

/** Inserts a live API key and answers the key itself (what a caller sends) and its id. */
export async function seedApiKey(db: Knex, seed: ApiKeySeed): Promise<{ id: string; key: string }> {
  const id = randomUUID();
  const generated = generateApiKey();
  await db('api_keys').insert({
    id,
    workspace_id: seed.workspaceId,
    name: seed.name ?? `key ${id.slice(0, 8)}`,
    key_hash: generated.hash,
    key_prefix: generated.displayPrefix,
    scopes: seed.scopes,
    rate_limit_per_second: seed.rateLimit?.perSecond ?? null,
    rate_limit_burst: seed.rateLimit?.burst ?? null,
    created_by: 'test',
  });
  return { id, key: generated.key };
}
