// Query-schema building blocks shared by the listing routes.
import type { queryParser } from '@hookway/http';

/** The ajv schema type queryParser takes, without this service depending on ajv directly. */
export type QuerySchema<T> = Parameters<typeof queryParser<T>>[0];

export const MAX_PAGE_SIZE = 100;

export const pageProperty = { type: 'integer', minimum: 1, maximum: 1_000_000, default: 1 } as const;
export const pageSizeProperty = { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 } as const;
export const optionalText = { type: 'string', minLength: 1, maxLength: 200, nullable: true } as const;
export const optionalUuid = { type: 'string', format: 'uuid', nullable: true } as const;
