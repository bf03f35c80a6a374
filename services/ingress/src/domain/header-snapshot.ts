// The request headers kept with an event, minus anything that would let a reader replay credentials.
import type { RequestHeaders } from './providers/provider.js';

const ALWAYS_SECRET = ['authorization', 'proxy-authorization', 'cookie', 'x-internal-api-key'];
export const REDACTED = '[redacted]';

export function snapshotHeaders(headers: RequestHeaders, secretHeaders: readonly string[]): Record<string, string | string[]> {
  const secret = new Set([...ALWAYS_SECRET, ...secretHeaders].map((name) => name.toLowerCase()));
  const snapshot: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    snapshot[name.toLowerCase()] = secret.has(name.toLowerCase()) ? REDACTED : value;
  }
  return snapshot;
}
