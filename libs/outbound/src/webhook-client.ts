// Sends one signed webhook with got and reports what happened as data: HTTP answers and network
// failures alike come back as a WebhookResult, never as a thrown error.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { performance } from 'node:perf_hooks';
import got, { RequestError, TimeoutError, type Got, type PlainResponse } from 'got';
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

interface Answer {
  statusCode: number;
  headers: PlainResponse['headers'];
  /** At least the first RESPONSE_BODY_LIMIT bytes of the body (all of it when shorter). */
  head: Buffer;
}

// got sends this user-agent when a request names none; it comes from got's default headers, emptied below.
const GOT_USER_AGENT = got.defaults.options.headers['user-agent'];

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
      method: 'POST',
      mutableDefaults: true,
    });
    // got copies its defaults into every request, and V8 (Node 20) grows an object slowly once a non-empty
    // object has been spread into it: the four unused cache options slow every request (in got's
    // createNativeRequestOptions), and so do the default headers (in the headers merge). Both start empty;
    // send() puts got's user-agent back where got would have, so the request on the wire is unchanged.
    const defaults = this.got.defaults.options;
    defaults.cacheOptions = {};
    defaults.headers = {};
    defaults.freeze();
  }

  async send(url: string, request: WebhookRequest): Promise<WebhookResult> {
    const startedAt = performance.now();
    const elapsed = (): number => Math.round(performance.now() - startedAt);
    try {
      // IP literals never reach the DNS lookup, so they are checked here; names are checked at connect time.
      this.guard.checkUrl(url);
      const answer = await this.exchange(url, request);
      return {
        kind: 'response',
        statusCode: answer.statusCode,
        headers: { ...answer.headers },
        latencyMs: elapsed(),
        responseBody: bodySnippet(answer.head),
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!(error instanceof RequestError) && !(error instanceof TypeError) && !(error instanceof SsrfBlockedError)) throw error;
      return { kind: 'error', errorCode: errorCodeOf(error), message, latencyMs: elapsed(), responseBody: null };
    }
  }

  /**
   * One request through got's stream API: its promise API costs more CPU per webhook (a cancelable
   * promise, event proxies, the body collected by async iteration, more garbage) and keeps the whole
   * body, where only its head is recorded. The rest is still read to the end, so the timeout and keep-alive
   * behave as before, and any error before the end (timeout included) wins over the response.
   */
  private exchange(url: string, request: WebhookRequest): Promise<Answer> {
    return new Promise((resolve, reject) => {
      // got.stream(url, options) would only copy the options to add this flag.
      const stream = this.got(url, {
        isStream: true,
        // Encoded once here; got would encode a string three times (length, progress, socket).
        body: Buffer.from(request.body),
        // First, as in got's defaults; the request's own user-agent replaces it in place.
        headers: { 'user-agent': GOT_USER_AGENT, ...request.headers },
      });
      stream.on('error', reject);
      stream.once('response', (response: PlainResponse) => {
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          if (size >= RESPONSE_BODY_LIMIT) return;
          chunks.push(chunk);
          size += chunk.length;
        });
        stream.once('end', () => {
          // As got's promise API does once the body is in: clears the timeout and the request's listeners.
          stream.destroy();
          resolve({ statusCode: response.statusCode, headers: response.headers, head: Buffer.concat(chunks, size) });
        });
      });
    });
  }
}

/** One keep-alive pool per process for outbound requests (subscribers receive many in a row). */
export interface KeepAliveAgents {
  http: HttpAgent;
  https: HttpsAgent;
  /** Closes the pooled sockets, once the requests that used them are done. */
  destroy(): void;
}

export function keepAliveAgents(): KeepAliveAgents {
  const http = new HttpAgent({ keepAlive: true });
  const https = new HttpsAgent({ keepAlive: true });
  return {
    http,
    https,
    destroy: () => {
      http.destroy();
      https.destroy();
    },
  };
}
