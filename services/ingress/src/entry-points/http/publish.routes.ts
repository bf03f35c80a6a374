// The publish API of workspace keys (`Authorization: Bearer hwk_…`): POST /events and /events/batch make
// events of the key's workspace, GET /events lists them. Checks run cheapest first, and all before the body
// is read: the key and its scope, its rate limit, the Idempotency-Key header, the in-flight budget.
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { compileValidator, EVENT_STATUSES, type ApiKeyScope, type JSONSchemaType } from '@hookway/contracts';
import { AppError, badRequest, sendData, workspaceKeyAuth, type ApiKeyLookup } from '@hookway/http';
import {
  decodeCursor, encodeCursor, type EventListFilters, type EventListing, type EventListQuery,
} from '../../domain/published-events/event-listing.js';
import type { EventPublishing, PublishAnswer, PublishRequest } from '../../domain/published-events/event-publishing.js';
import { isValidIdempotencyKey, MAX_IDEMPOTENCY_KEY_LENGTH } from '../../domain/published-events/idempotency.js';
import type { KeyRateLimits } from '../../domain/published-events/key-rate-limits.js';
import { toHttpError } from './errors.js';
import type { InflightBudget } from './inflight-budget.js';

export const PUBLISH_SCOPE: ApiKeyScope = 'events:publish';
/** Listing reads the workspace, as management's GET routes do; events:publish alone only publishes. */
export const LIST_SCOPE: ApiKeyScope = 'webhooks:read';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;

/** The listing's filters as they arrive (strings), with the page's limit and cursor. */
interface ListEventsQuery extends EventListFilters {
  limit?: string;
  cursor?: string;
}

// No NUL: PostgreSQL's text cannot hold one, and a filter is no reason for a 500.
const text = { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\u0000]*$', nullable: true } as const;
const instant = { type: 'string', format: 'date-time', nullable: true } as const;

// Every value arrives as a string; a repeated parameter arrives as an array and is refused.
const listEventsQuerySchema: JSONSchemaType<ListEventsQuery> = {
  type: 'object',
  additionalProperties: false,
  required: [],
  properties: {
    limit: { type: 'string', pattern: '^[1-9][0-9]{0,2}$', nullable: true },
    cursor: { type: 'string', minLength: 1, maxLength: 200, nullable: true },
    provider: text,
    status: { type: 'string', enum: [...EVENT_STATUSES], nullable: true },
    eventType: text,
    subject: text,
    from: instant,
    to: instant,
  },
};

const isListEventsQuery = compileValidator(listEventsQuerySchema);

function invalidQuery(errors: { path: string; message: string }[]): AppError {
  return badRequest('INVALID_QUERY', 'query string is invalid', { errors });
}

/** Each schema problem of the query; an unknown parameter is named. */
function queryProblems(): { path: string; message: string }[] {
  return (isListEventsQuery.errors ?? []).map((error) => {
    const extra = (error.params as { additionalProperty?: unknown }).additionalProperty;
    if (error.keyword === 'additionalProperties' && typeof extra === 'string') return { path: `/${extra}`, message: 'is not a parameter of this operation' };
    return { path: error.instancePath || '/', message: error.message ?? 'is invalid' };
  });
}

/** The query of GET /events in the listing's terms; a malformed one is a 400 naming each problem. */
function listQueryOf(req: Request, workspaceId: string): EventListQuery {
  const query: unknown = { ...(req.query as Record<string, unknown>) };
  if (!isListEventsQuery(query)) throw invalidQuery(queryProblems());
  const limit = query.limit === undefined ? DEFAULT_LIMIT : Number(query.limit);
  if (limit > MAX_LIMIT) throw invalidQuery([{ path: '/limit', message: `must be <= ${MAX_LIMIT}` }]);
  const from = query.from === undefined ? undefined : instantOf(query.from, '/from');
  const to = query.to === undefined ? undefined : instantOf(query.to, '/to');
  if (from && to && from > to) throw invalidQuery([{ path: '/from', message: 'must not be later than to' }]);
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  if (query.cursor !== undefined && !after) throw badRequest('INVALID_CURSOR', 'cursor is not one this API returned; start again without it');
  const { cursor: _cursor, limit: _limit, from: _from, to: _to, ...filters } = query;
  return { ...filters, ...(from ? { from } : {}), ...(to ? { to } : {}), workspaceId, limit, ...(after ? { after } : {}) };
}

/** A date-time as an ISO 8601 instant in UTC, refused unless PostgreSQL holds it too (years 1 to 9999). */
function instantOf(value: string, path: string): string {
  const time = new Date(value);
  const year = time.getUTCFullYear();
  if (Number.isNaN(time.getTime()) || year < 1 || year > 9999) throw invalidQuery([{ path, message: 'must be an instant between the years 1 and 9999' }]);
  return time.toISOString();
}

/** The workspace the authenticated key belongs to (workspaceKeyAuth ran first). */
function workspaceOf(req: Request): string {
  if (req.workspaceId === undefined) throw new AppError(401, 'UNAUTHORIZED', 'send Authorization: Bearer hwk_… (a workspace API key)');
  return req.workspaceId;
}

/**
 * The key's own limit, when it has one: every answer says where the key stands (RateLimit-Limit, -Remaining,
 * -Reset, draft-ietf-httpapi-ratelimit-headers), and a request over it gets 429 with retry-after.
 */
function keyRateLimit(limits: KeyRateLimits): RequestHandler {
  return (req, res, next) => {
    const key = req.apiKey;
    if (!key?.rateLimit) {
      next();
      return;
    }
    const decision = limits.take(key.id, key.rateLimit);
    const headers = {
      'ratelimit-limit': String(decision.limit),
      'ratelimit-remaining': String(decision.remaining),
      'ratelimit-reset': String(decision.allowed ? decision.resetSeconds : decision.retryAfterSeconds),
    };
    if (decision.allowed) {
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      next();
      return;
    }
    next(new AppError(429, 'RATE_LIMITED', 'this API key is sending more than its rate limit; retry later', {
      headers: { ...headers, 'retry-after': String(decision.retryAfterSeconds) },
    }));
  };
}

/** Idempotency-Key, when sent, is 1 to 255 visible ASCII characters. */
const idempotencyKeyHeader: RequestHandler = (req, _res, next) => {
  const key = req.header('idempotency-key');
  if (key !== undefined && !isValidIdempotencyKey(key)) {
    next(badRequest('INVALID_IDEMPOTENCY_KEY', `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters`));
    return;
  }
  next();
};

function publishRequestOf(req: Request): PublishRequest {
  const key = req.header('idempotency-key');
  return {
    workspaceId: workspaceOf(req),
    headers: req.headers,
    rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    requestId: req.requestId,
    ...(key === undefined ? {} : { idempotencyKey: key }),
  };
}

function answer(res: Response, published: PublishAnswer<unknown>): void {
  if (published.replayed) res.setHeader('idempotent-replayed', 'true');
  sendData(res, published.status, published.body);
}

export interface PublishRouteDependencies {
  publishing: EventPublishing;
  listing: EventListing;
  apiKeys: ApiKeyLookup;
  rateLimits: KeyRateLimits;
  maxBodyBytes: number;
  budget: InflightBudget;
}

export function publishRoutes({ publishing, listing, apiKeys, rateLimits, maxBodyBytes, budget }: PublishRouteDependencies): Router {
  const router = Router();
  const limited = keyRateLimit(rateLimits);
  const beforeBody = [
    workspaceKeyAuth(PUBLISH_SCOPE, apiKeys),
    limited,
    idempotencyKeyHeader,
    budget.admit(),
    // Any content type is read as the JSON it must be, as webhooks are; over the limit is 413.
    express.raw({ type: () => true, limit: maxBodyBytes }),
  ];

  router.post('/events', ...beforeBody, async (req, res) => {
    try {
      answer(res, await publishing.publishOne(publishRequestOf(req)));
    } catch (error) {
      throw toHttpError(error);
    }
  });

  router.post('/events/batch', ...beforeBody, async (req, res) => {
    try {
      answer(res, await publishing.publishBatch(publishRequestOf(req)));
    } catch (error) {
      throw toHttpError(error);
    }
  });

  router.get('/events', workspaceKeyAuth(LIST_SCOPE, apiKeys), limited, async (req, res) => {
    const query = listQueryOf(req, workspaceOf(req));
    const page = await listing.list(query);
    sendData(res, 200, page.items, { limit: query.limit, next_cursor: page.next ? encodeCursor(page.next) : null });
  });

  return router;
}
