// What a route reads from its request. express-openapi-validator (mounted in router.ts) has checked the path, query
// and JSON body against openapi/management.yaml before a route runs, coercing query values and filling in the spec's
// defaults, so routes take them as the types generated from that spec (openapi-types.ts) and check in code only what
// a schema cannot say.
import type { Request } from 'express';
import { isUuid, notFound, type AppError } from '@hookway/http';
import type { components, operations } from './openapi-types.js';

export type Schemas = components['schemas'];
type OperationId = keyof operations;
type QueryParameters<Id extends OperationId> = NonNullable<operations[Id]['parameters']['query']>;

/** The JSON request body of the operation with this operationId; undefined when the spec lets it be left out. */
export type RequestBody<Id extends OperationId> =
  operations[Id] extends { requestBody: { content: { 'application/json': infer Body } } } ? Body
    : operations[Id] extends { requestBody?: { content: { 'application/json': infer Body } } } ? Body | undefined
      : never;

/** The query of the operation with this operationId; `Defaulted` names the parameters the spec gives a default. */
export type RequestQuery<Id extends OperationId, Defaulted extends keyof QueryParameters<Id> = never> =
  QueryParameters<Id> & Required<Pick<QueryParameters<Id>, Defaulted>>;

/** The validated body. */
export function bodyOf<Id extends OperationId>(req: Request): RequestBody<Id> {
  return req.body as RequestBody<Id>;
}

/** The validated query, with the defaults of the `Defaulted` parameters filled in. */
export function queryOf<Id extends OperationId, Defaulted extends keyof QueryParameters<Id> = never>(req: Request): RequestQuery<Id, Defaulted> {
  return req.query as unknown as RequestQuery<Id, Defaulted>;
}

/** A malformed id cannot name a row: answer the route's 404 rather than let PostgreSQL reject the uuid. */
export function requireUuid(id: string, missing: (id: string) => AppError = (value) => notFound('NOT_FOUND', `${value} does not exist`)): string {
  if (!isUuid(id)) throw missing(id);
  return id;
}
