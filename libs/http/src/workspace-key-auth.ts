// Workspace API keys on either HTTP service: `Authorization: Bearer hwk_…`. The key is looked up on every
// request (a revoked key stops at once); a key without the scope the route needs gets 403.
import type { Request, RequestHandler } from 'express';
import type { ApiKeyRecord } from '@hookway/db';
import { hashApiKey, looksLikeApiKey } from '@hookway/signing';
import { forbidden, unauthorized, type AppError } from './errors.js';

/** Finds the live key with this hash (findLiveApiKey bound to a database). */
export type ApiKeyLookup = (keyHash: string) => Promise<ApiKeyRecord | undefined>;

/** The `hwk_…` bearer token of the request, if it carries one. */
export function bearerApiKey(req: Request): string | undefined {
  const match = /^Bearer\s+(hwk_\S*)$/i.exec(req.header('authorization') ?? '');
  return match ? match[1] : undefined;
}

/**
 * Authenticates `offered` and, when it is live and holds `scope`, marks the request as the key's: the actor
 * its name, the workspace its own. Returns the error to answer with otherwise.
 */
export async function authenticateApiKey(req: Request, offered: string, scope: string, lookup: ApiKeyLookup): Promise<AppError | undefined> {
  const key = looksLikeApiKey(offered) ? await lookup(hashApiKey(offered)) : undefined;
  if (!key) return unauthorized('UNAUTHORIZED', 'the API key is not valid or has been revoked');
  if (!key.scopes.includes(scope)) return forbidden('INSUFFICIENT_SCOPE', `this operation needs the ${scope} scope`);
  req.actor = key.name;
  req.workspaceId = key.workspaceId;
  req.apiKey = key;
  req.grantedScopes = key.scopes;
  return undefined;
}

/** A route only a workspace key with `scope` may call (ingress's publish API). */
export function workspaceKeyAuth(scope: string, lookup: ApiKeyLookup): RequestHandler {
  return (req, _res, next) => {
    const offered = bearerApiKey(req);
    if (offered === undefined) {
      next(unauthorized('UNAUTHORIZED', 'send Authorization: Bearer hwk_… (a workspace API key)'));
      return;
    }
    authenticateApiKey(req, offered, scope, lookup).then((error) => next(error), next);
  };
}
