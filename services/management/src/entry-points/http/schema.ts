// Schema building blocks shared by the routes.
import type { bodyParser, queryParser } from '@hookway/http';
import { isUuid, notFound, type AppError } from '@hookway/http';

/** The ajv schema types queryParser and bodyParser take, without this service depending on ajv directly. */
export type QuerySchema<T> = Parameters<typeof queryParser<T>>[0];
export type BodySchema<T> = Parameters<typeof bodyParser<T>>[0];

export const MAX_PAGE_SIZE = 100;

export const pageProperty = { type: 'integer', minimum: 1, maximum: 1_000_000, default: 1 } as const;
export const pageSizeProperty = { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 } as const;
export const optionalText = { type: 'string', minLength: 1, maxLength: 200, nullable: true } as const;
export const optionalUuid = { type: 'string', format: 'uuid', nullable: true } as const;
export const optionalDateTime = { type: 'string', format: 'date-time', nullable: true } as const;

/** Who asks for a replay and why; both default (to the caller and a stock reason) when left out. */
export const requestedByProperty = { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S', nullable: true } as const;
export const reasonProperty = { type: 'string', minLength: 1, maxLength: 1000, pattern: '\\S', nullable: true } as const;

/** A malformed id cannot name a row: answer the route's 404 rather than let PostgreSQL reject the uuid. */
export function requireUuid(id: string, missing: (id: string) => AppError = (value) => notFound('NOT_FOUND', `${value} does not exist`)): string {
  if (!isUuid(id)) throw missing(id);
  return id;
}
