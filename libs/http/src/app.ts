// Express app factory shared by the HTTP services: request ids, raw-body capture, JSON limits,
// the envelope for 404s and errors, and nothing else. Routes are mounted by each service.
import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { errorFields, logsDebug, type Logger } from '@hookway/logger';
import { isDatabaseUnavailable, type ApiKeyRecord } from '@hookway/db';
import { AppError, unavailable } from './errors.js';
import { describeValidatorError, isOpenApiValidatorError } from './openapi.js';
import { sendError } from './envelope.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Correlation id: the caller's x-request-id when sane, otherwise a new one. */
      requestId: string;
      log: Logger;
      /** The exact bytes of the body, for signature checks. */
      rawBody?: Buffer;
      /** Who is calling (API key name or JWT subject), set by the auth middleware; recorded in audit entries. */
      actor?: string;
      /**
       * The one workspace the caller may see and change (a workspace API key, or a JWT with a `workspace`
       * claim); undefined: every workspace (the operator's x-internal-api-key, a JWT without the claim).
       */
      workspaceId?: string;
      /** The workspace API key the request came with, when it came with one. */
      apiKey?: ApiKeyRecord;
      /** The scopes the caller holds (a workspace key's, a JWT's `scope` claim); undefined: all (the operator's key). */
      grantedScopes?: string[];
    }
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface HttpAppOptions {
  logger: Logger;
  /** Body limit in bytes; larger bodies get 413 PAYLOAD_TOO_LARGE. */
  bodyLimitBytes?: number;
  /** Parse JSON bodies for every route (off where a route must verify the raw bytes first). */
  parseJson?: boolean;
}

export function createHttpApp({ logger, bodyLimitBytes = 1_048_576, parseJson = true }: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(requestContext(logger));
  if (parseJson) app.use(jsonBody(bodyLimitBytes));
  return app;
}

/** JSON body parsing that keeps the raw bytes; any content type is read as JSON. */
export function jsonBody(limitBytes: number): RequestHandler {
  return express.json({
    limit: limitBytes,
    type: () => true,
    strict: false,
    verify: (req, _res, buffer) => {
      (req as Request).rawBody = buffer;
    },
  });
}

/**
 * `req.log`: the request's child logger, made on the first line written. Most requests write none, and
 * a winston child per request is a measurable share of a small request's CPU.
 */
class RequestLogger implements Logger {
  private made?: Logger;

  constructor(
    private readonly root: Logger,
    private readonly requestId: string,
  ) {}

  private get log(): Logger {
    return (this.made ??= this.root.child({ requestId: this.requestId }));
  }

  error(...line: Parameters<Logger['error']>): void {
    this.log.error(...line);
  }

  warn(...line: Parameters<Logger['warn']>): void {
    this.log.warn(...line);
  }

  info(...line: Parameters<Logger['info']>): void {
    this.log.info(...line);
  }

  debug(...line: Parameters<Logger['debug']>): void {
    this.log.debug(...line);
  }

  child(meta: Record<string, unknown>): Logger {
    return this.log.child(meta);
  }
}

function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const offered = req.headers['x-request-id'];
    req.requestId = typeof offered === 'string' && REQUEST_ID.test(offered) ? offered : randomUUID();
    req.log = new RequestLogger(logger, req.requestId);
    res.setHeader('x-request-id', req.requestId);
    // The per-request debug line is only timed when someone keeps it.
    if (logsDebug(logger)) {
      const started = process.hrtime.bigint();
      res.on('finish', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        req.log.debug('request', { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 });
      });
    }
    next();
  };
}

/** Mount last: unknown routes become a 404 in the envelope. */
export function notFoundHandler(): RequestHandler {
  return (req, res) => sendError(res, 404, 'NOT_FOUND', `no route for ${req.method} ${req.path}`);
}

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

/**
 * Mount after the routes: AppError → its status and code; database unreachable → 503; body-parser failures → 400/413/415;
 * anything else → 500 INTERNAL_ERROR with an error id that is also logged (the message stays inside).
 */
export function errorHandler(): ErrorRequestHandler {
  return (thrown: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(thrown);
      return;
    }
    // An unreachable database is a 503 the caller may retry, not a 500.
    const error = isDatabaseUnavailable(thrown) ? unavailable('a dependency is unavailable; retry later', thrown) : thrown;
    if (error instanceof AppError) {
      if (error.headers) for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
      if (error.status >= 500) req.log.warn('request failed', { code: error.code, ...errorFields(error.cause ?? error) });
      sendError(res, error.status, error.code, error.message, error.details);
      return;
    }
    if (isOpenApiValidatorError(error)) {
      const { status, code, message, details } = describeValidatorError(error);
      sendError(res, status, code, message, details);
      return;
    }
    const parserError = error as BodyParserError;
    if (parserError.type === 'entity.too.large') {
      sendError(res, 413, 'PAYLOAD_TOO_LARGE', 'request body is larger than the configured limit');
      return;
    }
    if (parserError.type === 'entity.parse.failed') {
      sendError(res, 400, 'INVALID_PAYLOAD', 'request body is not valid JSON');
      return;
    }
    if (parserError.type === 'encoding.unsupported' || parserError.type === 'charset.unsupported') {
      sendError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'request body encoding is not supported');
      return;
    }
    if (parserError.expose && typeof parserError.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
      sendError(res, parserError.status, 'BAD_REQUEST', 'the request could not be read');
      return;
    }
    const errorId = randomUUID();
    req.log.error('unhandled error', { errorId, method: req.method, path: req.path, ...errorFields(error) });
    sendError(res, 500, 'INTERNAL_ERROR', 'an internal error occurred', { errorId });
  };
}
