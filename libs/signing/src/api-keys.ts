// Workspace API keys: `hwk_` + 32 random bytes in base64url. Only the SHA-256 of a key is stored: a key
// carries 256 bits of entropy, so a slow password hash would buy nothing and cost every request.
import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'hwk_';
const KEY_SHAPE = /^hwk_[A-Za-z0-9_-]{43}$/;

export interface NewApiKey {
  /** Shown to its creator once, never stored. */
  key: string;
  hash: string;
  /** What listings show: `hwk_` and the first 8 characters. */
  displayPrefix: string;
}

export function generateApiKey(): NewApiKey {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, hash: hashApiKey(key), displayPrefix: key.slice(0, API_KEY_PREFIX.length + 8) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** True for a string shaped like a key this module generates (anything else is refused before a lookup). */
export function looksLikeApiKey(candidate: string): boolean {
  return KEY_SHAPE.test(candidate);
}
