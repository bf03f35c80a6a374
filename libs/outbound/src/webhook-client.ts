// Sends one signed webhook with got and reports what happened as data: HTTP answers and network
// failures alike come back as a WebhookResult, never as a thrown error.
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { performance } from 'node:perf_hooks';
import got, { RequestError, TimeoutError, type Got } from 'got';
import { SsrfBlockedError, type SsrfGuard } from './ssrf-guard.js';
import type { WebhookRequest } from './webhook-request.js';

/** What one HTTP attempt produced, transport-neutral; the client never throws for HTTP or network failures. */
export type WebhookResult =
  | {
      kind: 'response';
      statusCode: number;
      headers: Record<string, string | string[] | undefined>;
      latencyMs: number;
      /** First 4 KiB of the response body. */
      responseBody: string;
    }
  | {
      kind: 'error';
      /** TIMEOUT, CONNECTION_REFUSED, CONNECTION_RESET, DNS_LOOKUP_FAILED, INVALID_REQUEST, SSRF_BLOCKED or the client's own code. */
      errorCode: string;
      message: string;
      latencyMs: number;
      responseBody: null;
    };

export interface WebhookSender {
  send(url: string, request: WebhookRequest): Promise<WebhookResult>;
}

export const RESPONSE_BODY_LIMIT = 4_096;

const ERROR_CODES: Record<string, string> = {
  ECONNREFUSED: 'CONNECTION_REFUSED',
  ECONNRESET: 'CONNECTION_RESET',
  EPIPE: 'CONNECTION_RESET',
  ENOTFOUND: 'DNS_LOOKUP_FAILED',
  EAI_AGAIN: 'DNS_LOOKUP_FAILED',
  EHOSTUNREACH: 'HOST_UNREACHABLE',
  ENETUNREACH: 'HOST_UNREACHABLE',
  // The request could not even be built from the integration's settings: no retry will help.
  ERR_INVALID_URL: 'INVALID_REQUEST',
  ERR_UNSUPPORTED_PROTOCOL: 'INVALID_REQUEST',
  ERR_INVALID_HTTP_TOKEN: 'INVALID_REQUEST',
  ERR_INVALID_CHAR: 'INVALID_REQUEST',
};

export function errorCodeOf(error: unknown): string {
  if (error instanceof TimeoutError) return 'TIMEOUT';
  if (error instanceof SsrfBlockedError) return error.code;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return 'REQUEST_ERROR';
  return ERROR_CODES[code] ?? code;
}

/** PostgreSQL text cannot hold NUL; a cut multi-byte character becomes U+FFFD. */
function bodySnippet(body: Buffer): string {
  return body.subarray(0, RESPONSE_BODY_LIMIT).toString('utf8').replaceAll('\u0000', '');
}

export interface WebhookClientOptions {
  timeoutMs: number;
  agents: { http: HttpAgent; https: HttpsAgent };
  /** Refuses private and other non-public addresses, at connect time, on every resolved address. */
  guard: SsrfGuard;
}

export class WebhookClient implements WebhookSender {
  private readonly got: Got;
  private readonly guard: SsrfGuard;

  constructor(options: WebhookClientOptions) {
    this.guard = options.guard;
    this.got = got.extend({
      dnsLookup: options.guard.lookup,
      throwHttpErrors: false,
      followRedirect: false,
      retry: { limit: 0 },
      timeout: { request: options.timeoutMs },
      agent: { http: options.agents.http, https: options.agents.https },
    });
  }

  async send(url: string, request: WebhookRequest): Promise<WebhookResult> {
    const startedAt = performance.now();
    const elapsed = (): number => Math.round(performance.now() - startedAt);
    try {
      // IP literals never reach the DNS lookup, so they are checked here; names are checked at connect time.
      this.guard.checkUrl(url);
      const response = await this.got.post(url, { body: request.body, headers: request.headers, responseType: 'buffer' });
      return {
        kind: 'response',
        statusCode: response.statusCode,
        headers: { ...response.headers },
        latencyMs: elapsed(),
        responseBody: bodySnippet(response.body),
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!(error instanceof RequestError) && !(error instanceof TypeError) && !(error instanceof SsrfBlockedError)) throw error;
      return { kind: 'error', errorCode: errorCodeOf(error), message, latencyMs: elapsed(), responseBody: null };
    }
  }
}
