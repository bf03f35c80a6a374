// Storage for published events. They go through the webhooks' own paths (the group-commit store, the same
// multi-row INSERT), so every event row is written alike; what is theirs alone is the Idempotency-Key
// transaction: claim the key row, insert the events, keep the answer, commit.
import { PUBLISH_IDEMPOTENCY_SCOPE_PREFIX } from '@hookway/contracts';
import { PreparedQueries, prepared, purgeIdempotencyKeys, type Knex } from '@hookway/db';
import type {
  IdempotentOutcome, IdempotentWrite, PublishedEventStore as PublishedEventStorePort,
} from '../domain/published-events/event-publishing.js';
import type { NewEvent } from '../domain/webhook-intake.js';
import type { BatchedEventStore } from './batched-event.store.js';
import type { EventRepository } from './event.repository.js';

/**
 * Takes the key, or leaves it to the request that holds it. A row whose window has closed is taken over as
 * if new. ON CONFLICT waits for a concurrent holder of the key to commit or roll back, and then locks the
 * row (whether or not it updates it) until this transaction ends.
 */
const CLAIM_KEY = prepared('ingress_claim_publish_key', `
  INSERT INTO idempotency_keys (scope, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
  ON CONFLICT (scope, key) DO UPDATE
     SET request_hash = EXCLUDED.request_hash, response_status = NULL, response_body = NULL, created_at = EXCLUDED.created_at
   WHERE idempotency_keys.created_at <= EXCLUDED.created_at - $5::interval
  RETURNING key`);

const READ_KEY = prepared('ingress_read_publish_key', `
  SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE scope = $1 AND key = $2`);

const COMPLETE_KEY = prepared('ingress_complete_publish_key', `
  UPDATE idempotency_keys SET response_status = $3, response_body = $4 WHERE scope = $1 AND key = $2`);

interface KeyRow {
  request_hash: string;
  response_status: number | null;
  response_body: unknown;
}

export class PublishedEventStore implements PublishedEventStorePort {
  private readonly sql: PreparedQueries;

  constructor(
    db: Knex,
    private readonly events: EventRepository,
    private readonly batched: BatchedEventStore,
  ) {
    this.sql = new PreparedQueries(db);
  }

  /**
   * Deletes the publish Idempotency-Key rows whose window closed `windowMs` ago or more (a reused key takes its
   * row over anyway; this keeps keys used once from piling up). Answers how many went.
   */
  purgeExpiredKeys(windowMs: number, batchSize?: number): Promise<number> {
    return purgeIdempotencyKeys(this.sql, { scopePrefix: PUBLISH_IDEMPOTENCY_SCOPE_PREFIX, windowMs, batchSize });
  }

  async insertOne(event: NewEvent): Promise<void> {
    if (!(await this.batched.insertIfNew(event))) throw new Error(`event ${event.id} was not inserted`);
  }

  async insertAll(events: readonly NewEvent[]): Promise<void> {
    const inserted = await this.events.insertAllIfNew(events);
    // Never in practice: each event's external id is its own new id.
    if (inserted.includes(false)) throw new Error('a published event was not inserted');
  }

  async insertUnderKey(write: IdempotentWrite): Promise<IdempotentOutcome> {
    return this.sql.transaction(async (tx) => {
      const claimed = await tx.query(CLAIM_KEY, [write.scope, write.key, write.fingerprint, write.at, `${write.windowMs} milliseconds`]);
      if (claimed.length === 0) {
        const [row] = await tx.query<KeyRow>(READ_KEY, [write.scope, write.key]);
        // The key row and its answer commit together, so a row held by another request always has one.
        if (!row || row.request_hash !== write.fingerprint || row.response_status === null) return { kind: 'mismatch' };
        return { kind: 'replay', status: row.response_status, body: storedBody(row.response_body) };
      }
      const inserted = await this.events.insertAllIfNew(write.events, tx);
      if (inserted.includes(false)) throw new Error('a published event was not inserted');
      // Kept as its JSON text (a jsonb string), not as a jsonb object: jsonb reorders keys, and a replay
      // must be the same answer byte for byte.
      await tx.query(COMPLETE_KEY, [write.scope, write.key, write.response.status, JSON.stringify(JSON.stringify(write.response.body))]);
      return { kind: 'stored' };
    });
  }

  async markPublished(ids: readonly string[]): Promise<void> {
    await this.batched.markPublished(ids);
  }
}

function storedBody(value: unknown): unknown {
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
}
