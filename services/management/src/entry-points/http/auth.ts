// Authentication as a chain of schemes: the first scheme whose credentials are present decides.
// The API key is the only scheme today; a Bearer-JWT scheme slots in here without touching any route.
import type { Request, RequestHandler } from 'express';
import { apiKeyAuth, unauthorized } from '@hookway/http';

export interface AuthScheme {
  /** True when the request carries this scheme's credentials (whether or not they are valid). */
  offered(req: Request): boolean;
  /** Accepts the request (next()) or rejects it (next(error)). */
  verify: RequestHandler;
}

export function apiKeyScheme(expectedKey: string, header = 'x-internal-api-key'): AuthScheme {
  return { offered: (req) => req.header(header) !== undefined, verify: apiKeyAuth(expectedKey, header) };
}

export function requireAuth(schemes: AuthScheme[]): RequestHandler {
  return (req, res, next) => {
    const scheme = schemes.find((candidate) => candidate.offered(req));
    if (!scheme) {
      next(unauthorized('UNAUTHORIZED', 'credentials are required (x-internal-api-key)'));
      return;
    }
    void scheme.verify(req, res, next);
  };
}
