// Internal-route authentication: the x-internal-api-key (constant-time compare), a workspace API key
// (`Authorization: Bearer hwk_…`), or a Bearer JWT (HS256 only: the algorithm is pinned so `none` and
// RS/HS confusion are refused) whose space-separated `scope` claim (RFC 9068) holds webhooks:read for
// reads and webhooks:write for everything else. A workspace key, or a JWT whose `workspace` claim names a
// workspace id, narrows the request to that workspace (req.workspaceId); the others act across workspaces.
import type { RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import { constantTimeEqual } from '@hookway/signing';
import { isUuid } from './validation.js';
import { forbidden, unauthorized } from './errors.js';
import { authenticateApiKey, bearerApiKey, type ApiKeyLookup } from './workspace-key-auth.js';

export const READ_SCOPE = 'webhooks:read';
export const WRITE_SCOPE = 'webhooks:write';
/** The actor recorded in audit entries for calls made with the shared API key. */
export const API_KEY_ACTOR = 'api-key';

export function apiKeyAuth(expectedKey: string, header = 'x-internal-api-key'): RequestHandler {
  return (req, _res, next) => {
    const offered = req.header(header);
    if (!offered || !constantTimeEqual(offered, expectedKey)) {
      next(unauthorized('UNAUTHORIZED', `missing or invalid ${header}`));
      return;
    }
    req.actor = API_KEY_ACTOR;
    next();
  };
}

export interface ManagementAuthOptions {
  apiKey: string;
  jwtSecret: string;
  /** Also accept the API key as this query parameter (EventSource cannot set headers). */
  queryKeyParam?: string;
  /** Where workspace API keys are looked up; without it an `hwk_` bearer token is refused like any bad token. */
  apiKeys?: ApiKeyLookup;
}

function requiredScope(method: string): string {
  return method === 'GET' || method === 'HEAD' ? READ_SCOPE : WRITE_SCOPE;
}

export function managementAuth({ apiKey, jwtSecret, queryKeyParam, apiKeys }: ManagementAuthOptions): RequestHandler {
  return (req, _res, next) => {
    const queryKey = queryKeyParam ? req.query[queryKeyParam] : undefined;
    const offeredKey = req.header('x-internal-api-key') ?? (typeof queryKey === 'string' ? queryKey : undefined);
    if (offeredKey !== undefined) {
      if (!constantTimeEqual(offeredKey, apiKey)) {
        next(unauthorized('UNAUTHORIZED', 'invalid API key'));
        return;
      }
      req.actor = API_KEY_ACTOR;
      next();
      return;
    }
    const workspaceKey = bearerApiKey(req);
    if (workspaceKey !== undefined && apiKeys) {
      authenticateApiKey(req, workspaceKey, requiredScope(req.method), apiKeys).then((error) => next(error), next);
      return;
    }
    const authorization = req.header('authorization');
    const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
    if (!match) {
      next(unauthorized('UNAUTHORIZED', 'send x-internal-api-key or Authorization: Bearer <token>'));
      return;
    }
    let claims: jwt.JwtPayload | string;
    try {
      claims = jwt.verify(match[1] as string, jwtSecret, { algorithms: ['HS256'] });
    } catch (error) {
      const expired = error instanceof jwt.TokenExpiredError;
      next(unauthorized(expired ? 'TOKEN_EXPIRED' : 'INVALID_TOKEN', expired ? 'the bearer token has expired' : 'the bearer token is not valid'));
      return;
    }
    if (typeof claims === 'string' || typeof claims.sub !== 'string' || claims.sub.length === 0) {
      next(unauthorized('INVALID_TOKEN', 'the bearer token has no subject'));
      return;
    }
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
    const needed = requiredScope(req.method);
    if (!scopes.includes(needed)) {
      next(forbidden('INSUFFICIENT_SCOPE', `this operation needs the ${needed} scope`));
      return;
    }
    const workspace: unknown = claims.workspace;
    if (workspace !== undefined && (typeof workspace !== 'string' || !isUuid(workspace))) {
      next(unauthorized('INVALID_TOKEN', 'the bearer token\'s workspace claim must be a workspace id'));
      return;
    }
    req.actor = claims.sub;
    req.grantedScopes = scopes;
    if (workspace !== undefined) req.workspaceId = workspace;
    next();
  };
}
