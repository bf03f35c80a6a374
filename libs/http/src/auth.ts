// Constant-time API-key check for internal routes.
import type { RequestHandler } from 'express';
import { constantTimeEqual } from '@hookway/signing';
import { unauthorized } from './errors.js';

export function apiKeyAuth(expectedKey: string, header = 'x-internal-api-key'): RequestHandler {
  return (req, _res, next) => {
    const offered = req.header(header);
    if (!offered || !constantTimeEqual(offered, expectedKey)) {
      next(unauthorized('UNAUTHORIZED', `missing or invalid ${header}`));
      return;
    }
    next();
  };
}
