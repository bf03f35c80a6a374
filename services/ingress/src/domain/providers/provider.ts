// The contract every webhook source fulfils once compiled from its configuration: check the sender's
// credentials over the raw bytes, then turn its payload into Hookway's normalized event. The route never
// knows a source by name.
import type { SourceState } from '@hookway/contracts';
import type { RateDecision } from '../sources/rate-limiter.js';

/** Request headers as node delivers them (lower-case names). */
export type RequestHeaders = Record<string, string | string[] | undefined>;

export interface NormalizedWebhook {
  externalId: string;
  type: string;
  /** ISO 8601 with an offset, as the provider sent it. */
  occurredAt: string;
  subject: string | null;
  data: Record<string, unknown>;
}

/** What a mapping may read besides the parsed body. */
export interface NormalizeContext {
  headers: RequestHeaders;
  rawBody: Buffer;
  receivedAt: Date;
}

export interface SourceRateLimiter {
  /** This replica's share of the source's limit, for the RateLimit-Policy header. */
  readonly perSecond: number;
  readonly burst: number;
  take(): RateDecision;
}

export interface WebhookProvider {
  /** The source key: the path segment and the `provider` of its events. */
  readonly name: string;
  /** The workspace the source belongs to, and so every event it receives. */
  readonly workspaceId: string;
  readonly state: SourceState;
  /** Headers that carry this provider's credentials; they are redacted from the stored snapshot. */
  readonly secretHeaders: readonly string[];
  readonly rateLimiter?: SourceRateLimiter;
  /** Throws an AuthenticationError unless the request carries valid credentials for these exact bytes. */
  authenticate(headers: RequestHeaders, rawBody: Buffer): void;
  /** Throws an InvalidPayloadError unless the parsed body maps onto a normalized event. */
  normalize(json: unknown, context: NormalizeContext): NormalizedWebhook;
}

/** Finds the provider of a source key, and names every header redacted from snapshots. */
export interface ProviderLookup {
  get(name: string): WebhookProvider | undefined;
  /** Every credential header of any source, plus the usual ones (a token sent to the wrong route is still a secret). */
  secretHeaders(): ReadonlySet<string>;
}

/** The one value of a header (a repeated header is not a credential we accept). */
export function singleHeader(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}
