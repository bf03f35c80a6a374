// The request headers kept with an event, minus anything that would let a reader replay credentials.
import type { RequestHeaders } from './providers/provider.js';

const ALWAYS_SECRET = ['authorization', 'proxy-authorization', 'cookie', 'x-internal-api-key'];
export const REDACTED = '[redacted]';

/** Every header name whose value is redacted: the usual credentials plus the providers' own, lower-cased. */
export function secretHeaderNames(providerSecretHeaders: readonly string[]): ReadonlySet<string> {
  return new Set([...ALWAYS_SECRET, ...providerSecretHeaders].map((name) => name.toLowerCase()));
}

export function snapshotHeaders(headers: RequestHeaders, secret: ReadonlySet<string>): Record<string, string | string[]> {
  const snapshot: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    snapshot[lower] = secret.has(lower) ? REDACTED : value;
  }
  return snapshot;
}
