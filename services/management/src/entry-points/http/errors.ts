// The edge's translation of domain errors to HTTP answers, and of a request to the operator who made it.
import type { ErrorRequestHandler, Request } from 'express';
import { BrokerUnavailableError } from '@hookway/broker';
import { AppError, badRequest, conflict, forbidden, notFound, unavailable, API_KEY_ACTOR } from '@hookway/http';
import {
  IdempotencyKeyReusedError, IntegrationNotFoundError, InvalidUrlError, JobNotFoundError, JobStateError, SecretUnopenableError,
  type OperatorContext,
} from '../../domain/operator.js';
import { SourceInputError, SourceKeyTakenError, SourceNotFoundError, UnknownSourceError } from '../../domain/source.service.js';
import {
  ApiKeyNameTakenError, ApiKeyNotFoundError, DefaultWorkspaceError, OperatorOnlyError, ScopeNotHeldError, WorkspaceNotEmptyError,
  WorkspaceNotFoundError, WorkspaceSlugTakenError,
} from '../../domain/workspace.service.js';

export function operatorOf(req: Request): OperatorContext {
  // managementAuth always sets the actor before any route runs; the fallback only satisfies the type.
  return {
    actor: req.actor ?? API_KEY_ACTOR,
    requestId: req.requestId,
    ...(req.workspaceId === undefined ? {} : { workspaceId: req.workspaceId }),
    ...(req.grantedScopes === undefined ? {} : { apiKeyScopes: req.grantedScopes }),
  };
}

export function toHttpError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof IntegrationNotFoundError) return notFound('INTEGRATION_NOT_FOUND', error.message);
  if (error instanceof SourceNotFoundError) return notFound('SOURCE_NOT_FOUND', error.message);
  if (error instanceof SourceKeyTakenError) return conflict('SOURCE_KEY_TAKEN', error.message, { key: error.key });
  if (error instanceof SourceInputError) return badRequest('VALIDATION_ERROR', 'request body is invalid', { errors: [{ path: error.path, message: error.message }] });
  if (error instanceof UnknownSourceError) {
    return badRequest('VALIDATION_ERROR', 'request body is invalid', { errors: [{ path: '/provider', message: error.message }] });
  }
  if (error instanceof JobNotFoundError) return notFound('JOB_NOT_FOUND', error.message);
  if (error instanceof InvalidUrlError) return badRequest('INVALID_URL', error.message, { url: error.url, reason: error.reason });
  if (error instanceof IdempotencyKeyReusedError) return conflict('IDEMPOTENCY_KEY_REUSED', error.message);
  if (error instanceof SecretUnopenableError) {
    return conflict('SECRET_UNOPENABLE', error.message, { integrationId: error.integrationId });
  }
  if (error instanceof JobStateError) return conflict(error.code, error.message, { jobId: error.jobId, status: error.status });
  if (error instanceof WorkspaceNotFoundError) return notFound('WORKSPACE_NOT_FOUND', error.message);
  if (error instanceof WorkspaceSlugTakenError) return conflict('WORKSPACE_SLUG_TAKEN', error.message, { slug: error.slug });
  if (error instanceof WorkspaceNotEmptyError) return conflict('WORKSPACE_NOT_EMPTY', error.message, { ...error.contents });
  if (error instanceof DefaultWorkspaceError) return conflict('DEFAULT_WORKSPACE', error.message);
  if (error instanceof OperatorOnlyError) return forbidden('OPERATOR_ONLY', error.message);
  if (error instanceof ApiKeyNotFoundError) return notFound('API_KEY_NOT_FOUND', error.message);
  if (error instanceof ApiKeyNameTakenError) return conflict('API_KEY_NAME_TAKEN', error.message, { name: error.keyName });
  if (error instanceof ScopeNotHeldError) {
    return new AppError(403, 'SCOPE_NOT_HELD', error.message, { details: { scopes: error.scopes } });
  }
  // A change that could not be announced (audit fact, job messages) was rolled back: retry later.
  if (error instanceof BrokerUnavailableError) return unavailable('the message broker is unavailable; retry later', error);
  return error;
}

/** Mounted after this service's routes, before the shared errorHandler. */
export function domainErrors(): ErrorRequestHandler {
  return (error: unknown, _req, _res, next) => next(toHttpError(error));
}
