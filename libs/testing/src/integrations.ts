// One way for tests to put an integration straight into the database: the row's columns and their
// defaults live here, so a migration that adds a column changes one place. The secret arrives sealed
// (each test seals under the key it is about).
import { randomUUID } from 'node:crypto';
import type { Knex } from '@hookway/db';

export interface IntegrationSeed {
  id?: string;
  name?: string;
  provider?: string;
  url: string;
  eventTypes?: string[];
  headers?: Record<string, unknown>;
  description?: string | null;
  state?: 'active' | 'paused' | 'disabled';
  consecutiveFailures?: number;
  secretSealed: string;
  previousSecretSealed?: string | null;
  previousSecretExpiresAt?: Date | null;
  filter?: Record<string, unknown> | null;
  rateLimit?: { perSecond: number; burst: number } | null;
  ordering?: 'subject' | null;
  orderingOnDead?: 'skip' | 'block';
  /** Default: the default workspace (the column's default). */
  workspaceId?: string;
}

/** Inserts the integration and answers its id. */
export async function seedIntegration(db: Knex, seed: IntegrationSeed): Promise<string> {
  const id = seed.id ?? randomUUID();
  await db('integrations').insert({
    id,
    name: seed.name ?? `integration ${id.slice(0, 8)}`,
    provider: seed.provider ?? 'acme',
    url: seed.url,
    event_types: JSON.stringify(seed.eventTypes ?? ['*']),
    headers: JSON.stringify(seed.headers ?? {}),
    description: seed.description ?? null,
    state: seed.state ?? 'active',
    consecutive_failures: seed.consecutiveFailures ?? 0,
    secret_sealed: seed.secretSealed,
    ...(seed.workspaceId ? { workspace_id: seed.workspaceId } : {}),
    previous_secret_sealed: seed.previousSecretSealed ?? null,
    previous_secret_expires_at: seed.previousSecretExpiresAt ?? null,
    filter: seed.filter ? JSON.stringify(seed.filter) : null,
    rate_limit_per_second: seed.rateLimit?.perSecond ?? null,
    rate_limit_burst: seed.rateLimit?.burst ?? null,
    ordering: seed.ordering ?? null,
    ordering_on_dead: seed.orderingOnDead ?? 'skip',
  });
  return id;
}
