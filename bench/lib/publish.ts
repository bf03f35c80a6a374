// The publish API under full-speed load: autocannon POSTs events of about the webhooks' size to
// POST /api/v1/events with a workspace key, so the publish rate can be read beside the webhook rate.
// Each event has a subject of its own (ordered delivery never holds one back) and no Idempotency-Key: the
// path measured is the one most publishes take, the same group commit webhooks go through.
import { fullSpeed } from './load.js';
import { round } from './stats.js';
import { sizedBody, TARGET_BODY_BYTES } from './webhooks.js';

export interface PublishLoadOptions {
  /** Ingress, e.g. http://127.0.0.1:3000 */
  baseUrl: string;
  /** A workspace API key (`hwk_…`) with events:publish and no rate limit. */
  key: string;
  durationMs: number;
  connections: number;
  signal?: AbortSignal;
}

export interface PublishLoadResult {
  durationS: number;
  sent: number;
  /** 202 answers per second. */
  acceptedPerSecond: number;
  latencyMs: { p50: number; p99: number };
  statusCounts: Record<string, number>;
  errors: number;
  timeouts: number;
}

/** A published event of about `size` bytes (BENCH_BODY_BYTES, 1024 by default), as the webhooks are sized. */
export function publishBody(n: number, size = TARGET_BODY_BYTES): string {
  return sizedBody({ type: 'order.created', subject: `order/publish-${n}` }, `publish-${n}`, size);
}

export async function publishLoad(options: PublishLoadOptions): Promise<PublishLoadResult> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${options.key}` };
  const result = await fullSpeed({
    url: options.baseUrl,
    path: '/api/v1/events',
    connections: options.connections,
    durationS: options.durationMs / 1000,
    nextRequest: (n) => ({ body: publishBody(n), headers }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return {
    durationS: round(result.durationS),
    sent: result.sent,
    acceptedPerSecond: result.acceptedPerSecond,
    latencyMs: { p50: result.latencyMs.p50, p99: result.latencyMs.p99 },
    statusCounts: result.statusCounts,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
