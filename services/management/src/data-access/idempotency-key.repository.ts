// Idempotency-Key records: the first request with a key stores its response; a retry with the same key and
// the same body gets that response back. The key row is written first in the request's transaction, so a
// concurrent request with the same key waits on it and then reads the committed response.
import { PreparedQueries, purgeIdempotencyKeys, type Knex } from '@hookway/db';
import { IDEMPOTENCY_SCOPE, IDEMPOTENCY_TTL_MS } from '../domain/integration.service.js';
import type { IdempotencyClaim, IdempotencyKeyStore } from '../domain/ports.js';

/**
 * Deletes management's Idempotency-Key rows (integration creations, every workspace's scope) older than
 * their window: a reused key takes its row over anyway; this keeps keys used once from piling up.
 * Answers how many went. Ingress purges its own publish keys.
 */
export function purgeExpiredIdempotencyKeys(db: Knex, batchSize?: number): Promise<number> {
  return purgeIdempotencyKeys(new PreparedQueries(db), { scopePrefix: IDEMPOTENCY_SCOPE, windowMs: IDEMPOTENCY_TTL_MS, batchSize });
}

interface IdempotencyRow {
  request_hash: string;
  response_status: number | null;
  response_body: unknown;
}

export class IdempotencyKeyRepository implements IdempotencyKeyStore {
  /** `db` must be the transaction that also does the work, so the key and the response commit together. */
  constructor(private readonly db: Knex) {}

  /**
   * Takes the key for this request, or reports what an earlier request under it answered. A row older than
   * `ttlMs` no longer counts: it is taken over as if new. ON CONFLICT (rather than catching 23505) keeps the
   * transaction usable, and waits for a concurrent holder of the key to commit or roll back.
   */
  async claim(scope: string, key: string, requestHash: string, ttlMs: number): Promise<IdempotencyClaim> {
    const taken = await this.db.raw<{ rows: unknown[] }>(
      `INSERT INTO idempotency_keys (scope, key, request_hash) VALUES (?, ?, ?)
       ON CONFLICT (scope, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, response_status = NULL, response_body = NULL, created_at = now()
         WHERE idempotency_keys.created_at < now() - (? * interval '1 millisecond')
       RETURNING key`,
      [scope, key, requestHash, ttlMs],
    );
    if (taken.rows.length > 0) return { kind: 'new' };
    const row = (await this.db('idempotency_keys').select('request_hash', 'response_status', 'response_body')
      .where({ scope, key }).first()) as IdempotencyRow | undefined;
    // The key row and its response commit together, so a visible row always has its response.
    if (!row || row.request_hash !== requestHash || row.response_status === null) return { kind: 'mismatch' };
    return { kind: 'replay', status: row.response_status, body: row.response_body };
  }

  async complete(scope: string, key: string, status: number, body: unknown): Promise<void> {
    await this.db('idempotency_keys').where({ scope, key }).update({ response_status: status, response_body: JSON.stringify(body) });
  }
}
