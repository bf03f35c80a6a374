// What a route reads from its request. express-openapi-validator (mounted in router.ts) has checked the path, query
// and JSON body against openapi/management.yaml before a route runs, coercing query values and filling in the spec's
// defaults, so routes take them as the types generated from that spec (openapi-types.ts) and check in code only what
// a schema cannot say. They also read whose rows the caller may touch: every workspace's (the operator), or the
// one workspace its credentials are narrowed to (req.workspaceId, set by managementAuth).
import type { Request } from 'express';
import { isUuid, notFound, type AppError } from '@hookway/http';
import type { WorkspaceScope } from '../../domain/ports.js';
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

/** The scope of a read: the workspace the caller is narrowed to, or none (every workspace). */
export function scopeOf(req: Request): WorkspaceScope {
  return req.workspaceId === undefined ? {} : { workspaceId: req.workspaceId };
}

/** No workspace has the nil UUID (ids are generated v4 UUIDs, the default workspace's is ...0001): it lists nothing. */
const NO_WORKSPACE = '00000000-0000-0000-0000-000000000000';

/**
 * The workspace a listing covers: the caller's own when it is narrowed to one, else the one an operator filters on
 * (`?workspaceId=`), else (undefined) every workspace. A narrowed caller naming another workspace lists nothing, as
 * for audit entries, whether or not that workspace exists.
 */
export function listedWorkspace(req: Request, asked: string | undefined): string | undefined {
  if (req.workspaceId === undefined) return asked;
  return asked === undefined || asked === req.workspaceId ? req.workspaceId : NO_WORKSPACE;
}
