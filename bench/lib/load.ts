// The two load shapes: autocannon at full speed (closed loop, fixed connections and duration), and an
// open-loop paced sender at a fixed rate whose latency is measured from each request's scheduled time,
// so a stalled server cannot hide its queueing (no coordinated omission).
import { Agent, request } from 'node:http';
import autocannon from 'autocannon';
import { asError, distribution, ratePerSecond, round, type Distribution } from './stats.js';
import { now } from './time.js';
import { acceptedEventId, acmeBody, acmeHeaders } from './webhooks.js';

export interface FullSpeedResult {
  durationS: number;
  sent: number;
  statusCounts: Record<string, number>;
  acceptedPerSecond: number;
  /** 2xx responses per second (what the bare HTTP ceiling is measured as). */
  okPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  /** eventId (= webhook-id) → time the 202 was received. */
  accepted: Map<string, number>;
}

export interface FullSpeedOptions {
  url: string;
  path: string;
  connections: number;
  durationS: number;
  /** Builds the request body and headers for the n-th request. */
  nextRequest: (n: number) => { body: string; headers: Record<string, string> };
  signal?: AbortSignal;
}

export async function fullSpeed(options: FullSpeedOptions): Promise<FullSpeedResult> {
  const accepted = new Map<string, number>();
  const statusCounts: Record<string, number> = {};
  let n = 0;
  let instance: autocannon.Instance | undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationS,
        timeout: 10,
        requests: [
          {
            method: 'POST',
            path: options.path,
            setupRequest: (current) => {
              const { body, headers } = options.nextRequest(n++);
              return { ...current, body, headers };
            },
            onResponse: (status, body) => {
              const at = now();
              statusCounts[status] = (statusCounts[status] ?? 0) + 1;
              if (status === 202) {
                const id = acceptedEventId(body);
                if (id !== undefined) accepted.set(id, at);
              }
            },
          },
        ],
      },
      (error: unknown, result) => (error ? reject(asError(error)) : resolve(result)),
    );
  });
  const stop = (): void => instance?.stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    const result = await finished;
    const ok = result['2xx'];
    return {
      durationS: result.duration,
      sent: result.requests.sent,
      statusCounts,
      acceptedPerSecond: ratePerSecond(statusCounts['202'] ?? 0, result.duration * 1000),
      okPerSecond: ratePerSecond(ok, result.duration * 1000),
      latencyMs: {
        p50: result.latency.p50,
        p90: result.latency.p90,
        p99: result.latency.p99,
        max: result.latency.max,
        mean: round(result.latency.mean),
      },
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      accepted,
    };
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
}

export interface PacedResult {
  rate: number;
  /** Time spent sending; the responses may take longer when the server falls behind. */
  sendSeconds: number;
  /** Until the last response. */
  durationS: number;
  sent: number;
  statusCounts: Record<string, number>;
  networkErrors: number;
  /** Response time from each request's scheduled send time. */
  latencyMs: Distribution;
  /** The largest gap between a request's schedule and its actual send (harness lag). */
  maxSendLagMs: number;
  acceptedPerSecond: number;
  accepted: Map<string, number>;
}

export interface PacedOptions {
  url: string;
  path: string;
  rate: number;
  durationS: number;
  secret: string;
  idPrefix: string;
  /** The subject of the n-th webhook (default: one of its own). */
  subject?: (n: number) => string;
  signal?: AbortSignal;
}

const TICK_MS = 2;

export async function paced(options: PacedOptions): Promise<PacedResult> {
  const target = new URL(options.path, options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const accepted = new Map<string, number>();
  const statusCounts: Record<string, number> = {};
  const latencies: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let networkErrors = 0;
  let maxSendLagMs = 0;
  const total = Math.round(options.rate * options.durationS);
  const intervalMs = 1000 / options.rate;

  const send = (index: number, scheduledAt: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const body = acmeBody(`${options.idPrefix}-${index}`, undefined, options.subject?.(index));
      maxSendLagMs = Math.max(maxSendLagMs, now() - scheduledAt);
      const req = request(target, { method: 'POST', agent, headers: acmeHeaders(options.secret, body), timeout: 10_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const at = now();
          const status = res.statusCode ?? 0;
          statusCounts[status] = (statusCounts[status] ?? 0) + 1;
          latencies.push(at - scheduledAt);
          if (status === 202) {
            const id = acceptedEventId(Buffer.concat(chunks).toString('utf8'));
            if (id !== undefined) accepted.set(id, at);
          }
          resolve();
        });
        res.on('error', () => {
          networkErrors += 1;
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        networkErrors += 1;
        resolve();
      });
      req.end(body);
    });

  const startedAt = now();
  let sendEndedAt: number;
  let sent = 0;
  try {
    while (sent < total && !options.signal?.aborted) {
      const due = Math.min(total, Math.floor((now() - startedAt) / intervalMs) + 1);
      while (sent < due) {
        const work = send(sent, startedAt + sent * intervalMs);
        inFlight.add(work);
        void work.finally(() => inFlight.delete(work));
        sent += 1;
      }
      await new Promise<void>((resolve) => setTimeout(resolve, TICK_MS));
    }
    sendEndedAt = now();
    await Promise.all([...inFlight]);
  } finally {
    agent.destroy();
  }
  const elapsedMs = now() - startedAt;
  return {
    rate: options.rate,
    sendSeconds: round((sendEndedAt - startedAt) / 1000),
    durationS: round(elapsedMs / 1000),
    sent,
    statusCounts,
    networkErrors,
    latencyMs: distribution(latencies),
    maxSendLagMs: round(maxSendLagMs),
    acceptedPerSecond: ratePerSecond(statusCounts['202'] ?? 0, elapsedMs),
    accepted,
  };
}
