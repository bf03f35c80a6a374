// The one place that decides what a delivery attempt's result means for the job (DESIGN "Outbound
// delivery"): 2xx succeeds; 3xx fails (redirects are not followed); 410 asks to disable the
// integration; other 4xx are final except 408 and 429; 5xx, timeouts and connection errors are
// worth retrying, except a request that cannot be built or that the SSRF guard refused; 429 and 503
// carry the subscriber's Retry-After when it sent one. A job whose signing secret no configured key opens
// was never sent: it dies at once and disables its integration, whose later jobs then park until an
// operator fixes the key ring (no retry can fix it, and dying one by one would fill the dead letters).

/** What one HTTP attempt produced, transport-neutral. */
export type DeliveryResult =
  | {
      kind: 'response';
      statusCode: number;
      headers: Record<string, string | string[] | undefined>;
      latencyMs: number;
    }
  | {
      kind: 'error';
      /** TIMEOUT, CONNECTION_REFUSED, CONNECTION_RESET, DNS_LOOKUP_FAILED, INVALID_REQUEST, SSRF_BLOCKED, SECRET_UNOPENABLE or the client's own code. */
      errorCode: string;
      message: string;
      latencyMs: number;
    };

export type DeliveryOutcome =
  | { kind: 'success' }
  | { kind: 'retry'; errorCode: string; reason: string; retryAfterMs?: number }
  | { kind: 'dead'; errorCode: string; reason: string }
  | { kind: 'disable-integration'; errorCode: string; reason: string };

/**
 * Error codes that no retry can fix: the request could not be built from the integration's settings,
 * or the SSRF guard refused the address the URL resolves to.
 */
const NON_RETRYABLE_ERRORS = new Set(['INVALID_REQUEST', 'SSRF_BLOCKED']);

/** The request could not be signed: its secret opens under no key of the ring (not sent at all). */
export const SECRET_UNOPENABLE = 'SECRET_UNOPENABLE';

export function errorCodeForStatus(statusCode: number): string {
  return statusCode >= 300 && statusCode < 400 ? 'REDIRECT_NOT_FOLLOWED' : `HTTP_${statusCode}`;
}

export function classifyOutcome(result: DeliveryResult, now: number = Date.now()): DeliveryOutcome {
  if (result.kind === 'error') {
    if (result.errorCode === SECRET_UNOPENABLE) {
      return { kind: 'disable-integration', errorCode: result.errorCode, reason: result.message };
    }
    if (NON_RETRYABLE_ERRORS.has(result.errorCode)) {
      return { kind: 'dead', errorCode: result.errorCode, reason: result.message };
    }
    return { kind: 'retry', errorCode: result.errorCode, reason: result.message };
  }

  const { statusCode } = result;
  if (statusCode >= 200 && statusCode < 300) return { kind: 'success' };

  const errorCode = errorCodeForStatus(statusCode);
  if (statusCode >= 300 && statusCode < 400) {
    return { kind: 'retry', errorCode, reason: `endpoint answered ${statusCode}; redirects are not followed` };
  }
  if (statusCode === 410) {
    return { kind: 'disable-integration', errorCode, reason: 'endpoint answered 410 Gone' };
  }
  if (statusCode === 429 || statusCode === 503) {
    const retryAfterMs = parseRetryAfter(header(result.headers, 'retry-after'), now);
    return {
      kind: 'retry',
      errorCode,
      reason: `endpoint answered ${statusCode}`,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  if (statusCode === 408) return { kind: 'retry', errorCode, reason: 'endpoint answered 408' };
  if (statusCode >= 400 && statusCode < 500) {
    return { kind: 'dead', errorCode, reason: `endpoint answered ${statusCode}; not retried` };
  }
  // 5xx, and anything outside the standard ranges, may well work later.
  return { kind: 'retry', errorCode, reason: `endpoint answered ${statusCode}` };
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name] ?? Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value[0] : value;
}

/** Retry-After as delta-seconds or an HTTP-date (RFC 9110 10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
