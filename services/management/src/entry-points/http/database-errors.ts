// Mount before errorHandler: an unreachable database is a 503 the caller may retry, not a 500.
import type { ErrorRequestHandler } from 'express';
import { isDatabaseUnavailable } from '@hookway/db';
import { unavailable } from '@hookway/http';

export function databaseUnavailableAs503(): ErrorRequestHandler {
  return (error: unknown, _req, _res, next) => {
    next(isDatabaseUnavailable(error) ? unavailable('the database is unavailable', error) : error);
  };
}
