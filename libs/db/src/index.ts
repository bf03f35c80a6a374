// PostgreSQL access through knex: one pool per process, migrations, and SQLSTATE helpers.
import knexModule, { type Knex } from 'knex';
import pg from 'pg';
import { migrationSource, MIGRATIONS } from './migrations/index.js';

export type { Knex } from 'knex';
export { MIGRATIONS } from './migrations/index.js';

// COUNT(*) and bigserial ids come back as int8; every value we count fits a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number.parseInt(value, 10));

const knexFactory = knexModule as unknown as (config: Knex.Config) => Knex;

export interface DatabaseOptions {
  url: string;
  poolMax?: number;
  applicationName?: string;
}

export function createDatabase({ url, poolMax = 10, applicationName = 'hookway' }: DatabaseOptions): Knex {
  return knexFactory({
    client: 'pg',
    connection: { connectionString: url, application_name: applicationName, connectionTimeoutMillis: 5_000 },
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: 5_000,
  });
}

export async function migrateLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}

/** True when every migration this build knows has been applied (readiness checks use it). */
export async function migrationsCurrent(db: Knex): Promise<boolean> {
  const [, pending] = (await db.migrate.list({ migrationSource })) as [unknown[], unknown[]];
  return pending.length === 0 && MIGRATIONS.length > 0;
}

export const SQLSTATE = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  invalidTextRepresentation: '22P02',
} as const;

export function hasSqlState(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/** Errors that mean "the database cannot be reached right now" (connection refused, pool timeout, shutdown). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (/^08/.test(code) || code === '57P01' || code === '57P03' ||
      ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(code))) return true;
  const name = (error as { name?: unknown }).name;
  const message = error instanceof Error ? error.message : '';
  return name === 'KnexTimeoutError' || /Connection terminated|timeout exceeded when trying to connect/i.test(message);
}

export async function pingDatabase(db: Knex): Promise<void> {
  await db.raw('select 1');
}
export { OutboxRelay, type OutboxSource, type OutboxRelayOptions } from './outbox-relay.js';
