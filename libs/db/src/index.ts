// PostgreSQL access through knex: one pool per process, migrations, and SQLSTATE helpers.
import knexModule, { type Knex } from 'knex';
import pg from 'pg';
import type { Logger } from '@hookway/logger';
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
  /** Where knex's own warnings go (it prints to the console otherwise). */
  logger?: Logger;
}

export function createDatabase({ url, poolMax = 10, applicationName = 'hookway', logger }: DatabaseOptions): Knex {
  return knexFactory({
    ...(logger
      ? {
          log: {
            warn: (message: unknown) => logger.warn('knex', { detail: String(message) }),
            error: (message: unknown) => logger.error('knex', { detail: String(message) }),
            deprecate: (message: unknown) => logger.debug('knex deprecation', { detail: String(message) }),
            debug: (message: unknown) => logger.debug('knex', { detail: String(message) }),
          },
        }
      : {}),
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

/**
 * The value sent cannot be stored (SQLSTATE class 22, data exception: "\u0000" in jsonb, a timestamp out of
 * range; 54001, statement too complex): the caller's input is at fault, not the database.
 */
/** A row names a row that is gone (23503): e.g. an event of a workspace deleted a moment before. */
export function isForeignKeyViolation(error: unknown): boolean {
  return hasSqlState(error, SQLSTATE.foreignKeyViolation);
}

/** A LIKE pattern matching `text` anywhere, its wildcards escaped so it matches literally (backslash is PostgreSQL's default escape). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (match) => `\\${match}`)}%`;
}

export function isDataException(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && (code.startsWith('22') || code === '54001');
}

/**
 * PostgreSQL aborted the transaction to break a deadlock (40P01): nothing of it was written, and the
 * same work tried again (alone, or later) can succeed.
 */
export function isDeadlock(error: unknown): boolean {
  return hasSqlState(error, '40P01');
}

/** A batch failed for a reason that its items, tried one at a time, may not share: a deadlock, or one item's refused value. */
export function isBatchFaultOfOne(error: unknown): boolean {
  return isDeadlock(error) || isDataException(error);
}

export async function pingDatabase(db: Knex): Promise<void> {
  await db.raw('select 1');
}
export { OutboxRelay, type OutboxSource, type OutboxRelayOptions } from './outbox-relay.js';
export { Batcher, type BatchWriter, type BatcherOptions } from './batcher.js';
export { PreparedQueries, prepared, type PreparedStatement, type StatementRunner } from './prepared.js';
export { NotificationListener, type NotificationListenerOptions } from './notification-listener.js';
export {
  createJobsStatement, claimJobsStatement, RECORD_ATTEMPTS, PARK_JOB, releaseParkedJobs, reparkJobs, RELEASE_NEXT, RELEASE_ALL_WAITING,
  RESCUE_STRANDED, SETTLE_STRANDED,
} from './job-statements.js';
export {
  rateLimitOf, toRecord, toDeliveryJob, toDeliveryAttempt, toEvent, toAuditEntry, DELIVERY_JOB_COLUMNS, DELIVERY_ATTEMPT_COLUMNS, EVENT_COLUMNS,
  AUDIT_ENTRY_COLUMNS, LISTED_EVENT_COLUMNS, type ListedEventColumn, type ListedEventRecord, type Camelized, type DeliveryJobRow, type DeliveryJobColumn, type DeliveryAttemptRow, type DeliveryAttemptColumn,
  type EventRow, type EventColumn, type AuditEntryRow, type AuditEntryColumn,
} from './rows.js';
export { apiKeyIsLive, findLiveApiKey, type ApiKeyRecord } from './api-keys.js';
export { IDEMPOTENCY_KEY_PURGE_INTERVAL_MS, purgeIdempotencyKeys, type KeyPurge } from './idempotency-keys.js';
