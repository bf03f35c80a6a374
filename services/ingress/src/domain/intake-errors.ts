// Why intake refuses a webhook or a published event, in the domain's words. The HTTP edge
// (entry-points/http/errors.ts) decides the status, code and headers of each.

/** No source is served under this key. */
export class UnknownSourceError extends Error {
  constructor(readonly key: string) {
    super(`no webhook provider named "${key}"`);
    this.name = 'UnknownSourceError';
  }
}

/** What was wrong with the sender's credentials; the reason is also the error code senders see. */
export type AuthenticationFailure = 'INVALID_SIGNATURE' | 'TIMESTAMP_OUT_OF_TOLERANCE' | 'INVALID_TOKEN' | 'INVALID_CREDENTIALS' | 'UNAUTHORIZED';

/** The request does not carry valid credentials for these exact bytes. */
export class AuthenticationError extends Error {
  constructor(
    readonly reason: AuthenticationFailure,
    message: string,
    /** Set when the sender authenticates with HTTP Basic, so the answer can name the scheme it expects. */
    readonly scheme?: 'basic',
  ) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

/** One thing wrong with a payload: where (a JSON pointer) and what. */
export interface PayloadProblem {
  path: string;
  message: string;
}

/** The body cannot become an event: not UTF-8 or JSON, nested too deep, not the source's shape, or not storable. */
export class InvalidPayloadError extends Error {
  constructor(
    message: string,
    readonly problems: readonly PayloadProblem[],
    /** The normalized field the source's mapping could not fill, when that is what failed. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'InvalidPayloadError';
  }
}

/** The event could not be made durable right now; the sender should retry. */
export class StorageUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('the event could not be stored; retry later', cause === undefined ? undefined : { cause });
    this.name = 'StorageUnavailableError';
  }
}

/** One event of a batch cannot become an event; the whole batch is refused. */
export class InvalidBatchItemError extends InvalidPayloadError {
  constructor(
    /** The position of the first bad event in `events`. */
    readonly index: number,
    problems: readonly PayloadProblem[],
  ) {
    super(`events[${index}] is not a valid event; nothing of the batch was stored`, problems);
    this.name = 'InvalidBatchItemError';
  }
}

/** The Idempotency-Key was used, within its window, for a request with another body. */
export class IdempotencyKeyReusedError extends Error {
  constructor(readonly key: string) {
    super('this Idempotency-Key was already used with a different request; use a new key for a new request');
    this.name = 'IdempotencyKeyReusedError';
  }
}
