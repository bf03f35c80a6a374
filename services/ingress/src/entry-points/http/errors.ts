// The edge's translation of intake's (and publishing's) domain errors to HTTP answers: status, code, details and headers.
import { AppError, badRequest, conflict, notFound, unauthorized, unavailable } from '@hookway/http';
import {
  AuthenticationError, IdempotencyKeyReusedError, InvalidBatchItemError, InvalidPayloadError, StorageUnavailableError, UnknownSourceError,
} from '../../domain/intake-errors.js';

export function toHttpError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof UnknownSourceError) return notFound('UNKNOWN_PROVIDER', error.message);
  if (error instanceof AuthenticationError) {
    if (error.scheme !== 'basic') return unauthorized(error.reason, error.message);
    return new AppError(401, error.reason, error.message, { headers: { 'www-authenticate': 'Basic realm="hookway"' } });
  }
  if (error instanceof InvalidPayloadError) {
    return badRequest('INVALID_PAYLOAD', error.message, {
      ...(error.field === undefined ? {} : { field: error.field }),
      ...(error instanceof InvalidBatchItemError ? { index: error.index } : {}),
      errors: error.problems,
    });
  }
  if (error instanceof IdempotencyKeyReusedError) return conflict('IDEMPOTENCY_KEY_REUSED', error.message);
  // The sender retries: a provider backs off on 503 with retry-after.
  if (error instanceof StorageUnavailableError) return unavailable(error.message, error.cause);
  return error;
}
