// Idempotency-Key for published events, as Stripe and Svix have it: within 24 hours per workspace, a request
// repeated with the same key and the same body gets the first one's answer, and the same key with another
// body is refused. The key row is claimed in the transaction that stores the events, so concurrent requests
// with one key make one event: the others wait for the first to commit and then answer as it did.
import { createHash } from 'node:crypto';
import { canonicalJson } from '@hookway/contracts';

export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** 1 to 255 visible ASCII characters (a UUID, a ULID, `order-42-created`). */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export function isValidIdempotencyKey(key: string): boolean {
  return IDEMPOTENCY_KEY.test(key);
}

/**
 * What makes two requests "the same": the operation and the body as JSON values (key order and whitespace
 * do not count, so a client may serialize the body again when it retries).
 */
export function requestFingerprint(operation: string, body: unknown): string {
  return createHash('sha256').update(operation).update('\n').update(canonicalJson(body)).digest('hex');
}
