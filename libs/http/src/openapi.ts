// The OpenAPI document is the contract: it is served as JSON, and requests are validated against it
// (express-openapi-validator, ajv) before a route runs, so the spec and the code cannot drift apart.
import { readFileSync } from 'node:fs';
import { Router, type RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { parse } from 'yaml';

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export function loadOpenApi(path: string | URL): OpenApiDocument {
  const document = parse(readFileSync(path, 'utf8')) as OpenApiDocument;
  if (typeof document?.openapi !== 'string' || typeof document.paths !== 'object') {
    throw new Error(`${String(path)} is not an OpenAPI document`);
  }
  return document;
}

/** GET /openapi.json: the document the service validates with. */
export function openApiRoutes(document: OpenApiDocument): Router {
  const router = Router();
  const body = JSON.stringify(document);
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(body);
  });
  return router;
}

/**
 * Validates query strings, path parameters and JSON bodies of every documented operation; undocumented
 * routes under the base path are 404/405. `ignorePaths` leaves routes that validate themselves alone
 * (the webhook route must check credentials over the raw bytes before anything parses the body).
 */
export function openApiRequestValidator(document: OpenApiDocument, options: { ignorePaths?: RegExp } = {}): RequestHandler[] {
  return OpenApiValidator.middleware({
    apiSpec: structuredClone(document) as never,
    validateApiSpec: true,
    validateRequests: { allowUnknownQueryParameters: false, coerceTypes: true },
    validateResponses: false,
    validateSecurity: false,
    ...(options.ignorePaths ? { ignorePaths: options.ignorePaths } : {}),
  });
}

interface ValidatorError {
  status: number;
  errors: { path?: string; message?: string }[];
}

export function isOpenApiValidatorError(error: unknown): error is ValidatorError {
  return typeof error === 'object' && error !== null &&
    typeof (error as { status?: unknown }).status === 'number' && Array.isArray((error as { errors?: unknown }).errors);
}

/** Our envelope code and details for an express-openapi-validator error. */
export function describeValidatorError(error: ValidatorError): { status: number; code: string; message: string; details: Record<string, unknown> } {
  // The validator says where ("/query/status", "/body/eventTypes/1", now and then ".query.status"); callers get the
  // path inside that part as a JSON Pointer. Only a dotted path has its dots read as separators: a header name or
  // filter key may hold a dot ("/body/headers/x.team").
  const located = error.errors.map((item) => {
    const match = /^([./])(query|body|params|headers)(?:[./](.*))?$/.exec(item.path ?? '');
    const inside = match?.[3] ?? (match ? '' : item.path ?? '');
    const pointer = match?.[1] === '.' ? inside.replaceAll('.', '/') : inside;
    return { where: match?.[2], path: `/${pointer.replace(/^\//, '')}`, message: item.message ?? 'is invalid' };
  });
  const errors = located.map(({ path, message }) => ({ path, message }));
  switch (error.status) {
    case 400: {
      const inQuery = located.length > 0 && located.every((item) => item.where === 'query');
      const inPath = located.length > 0 && located.every((item) => item.where === 'params');
      if (inQuery) return { status: 400, code: 'INVALID_QUERY', message: 'query string is invalid', details: { errors } };
      if (inPath) return { status: 400, code: 'INVALID_PARAMETER', message: 'a path parameter is invalid', details: { errors } };
      const header = located.length > 0 && located.every((item) => item.where === 'headers') ? located[0]?.path.slice(1) : undefined;
      // A bad header is named after it: Idempotency-Key → INVALID_IDEMPOTENCY_KEY.
      if (header) return { status: 400, code: `INVALID_${header.toUpperCase().replaceAll('-', '_')}`, message: `the ${header} header is invalid`, details: { errors } };
      return { status: 400, code: 'VALIDATION_ERROR', message: 'request is invalid', details: { errors } };
    }
    case 404:
      return { status: 404, code: 'NOT_FOUND', message: 'no such route', details: {} };
    case 405:
      return { status: 405, code: 'METHOD_NOT_ALLOWED', message: 'method not allowed on this route', details: {} };
    case 413:
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'request body is larger than the configured limit', details: {} };
    case 415:
      return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send application/json', details: {} };
    default:
      return { status: error.status >= 400 && error.status < 500 ? error.status : 400, code: 'BAD_REQUEST', message: 'the request could not be read', details: { errors } };
  }
}
