// Idempotency-Key rows of closed windows. Both services that take keys keep theirs in idempotency_keys
// (ingress's publish keys, scopes `publish:<workspace>`; management's integration creations, scopes
// `POST /integrations…`), and a key reused after its window is taken over as if new; without this a row
// used once would stay forever. Each service purges the scopes it owns, on its own window.
import { prepared, type StatementRunner } from './prepared.js';

// A bounded batch at a time (the ctid sub-select keeps one pass short on a big table). The prefix is
// compared exactly, not as a LIKE pattern.
const PURGE_KEYS = prepared('purge_idempotency_keys', `
  DELETE FROM idempotency_keys WHERE ctid = ANY(ARRAY(
    SELECT ctid FROM idempotency_keys
     WHERE left(scope, length($1::text)) = $1::text AND created_at < now() - $2::interval
     LIMIT $3))
  RETURNING 1 AS purged`);

/** How often each service deletes the Idempotency-Keys of its closed windows. */
export const IDEMPOTENCY_KEY_PURGE_INTERVAL_MS = 10 * 60_000;

export interface KeyPurge {
  /** Scopes that start with this are purged (a service's own). */
  scopePrefix: string;
  /** Rows older than this are of closed windows. */
  windowMs: number;
  /** Most rows one statement deletes. */
  batchSize?: number;
}

/** Deletes the keys of closed windows, batch after batch; answers how many. */
export async function purgeIdempotencyKeys(sql: StatementRunner, { scopePrefix, windowMs, batchSize = 5_000 }: KeyPurge): Promise<number> {
  // An empty prefix would match every service's keys.
  if (scopePrefix.length === 0) throw new Error('purgeIdempotencyKeys needs a scope prefix');
  let purged = 0;
  for (;;) {
    const rows = await sql.query(PURGE_KEYS, [scopePrefix, `${windowMs} milliseconds`, batchSize]);
    purged += rows.length;
    if (rows.length < batchSize) return purged;
  }
}
