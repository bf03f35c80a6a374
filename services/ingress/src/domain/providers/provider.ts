// The contract every webhook provider module fulfils: check the sender's credentials over the raw
// bytes, then turn its payload into Hookway's normalized event. The route never knows a provider by name.
import { badRequest } from '@hookway/http';
import { describeErrors, type Validator } from '@hookway/contracts';

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

export interface WebhookProvider {
  readonly name: string;
  /** Headers that carry this provider's credentials; they are redacted from the stored snapshot. */
  readonly secretHeaders: readonly string[];
  /** Throws a 401 AppError unless the request carries valid credentials for these exact bytes. */
  authenticate(headers: RequestHeaders, rawBody: Buffer): void;
  /** Throws a 400 INVALID_PAYLOAD AppError unless the parsed body has the provider's shape. */
  normalize(json: unknown): NormalizedWebhook;
}

/** The one value of a header (a repeated header is not a credential we accept). */
export function singleHeader(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** Validates a payload against a provider schema, or throws 400 INVALID_PAYLOAD naming every problem. */
export function assertPayload<T>(validate: Validator<T>, json: unknown, provider: string): asserts json is T {
  if (!validate(json)) {
    throw badRequest('INVALID_PAYLOAD', `the ${provider} payload does not have the expected shape`, {
      errors: describeErrors(validate.errors),
    });
  }
}

// Bounds that keep one webhook's identifiers usable as routing keys, audit ids and index entries.
export const ID_LENGTH = { minLength: 1, maxLength: 200 } as const;
export const TYPE_LENGTH = { minLength: 1, maxLength: 200 } as const;
export const SUBJECT_LENGTH = { maxLength: 1_000 } as const;
