// Integrations: list, create (Idempotency-Key honoured), read, partial update, delete, pause/resume, secret
// rotation, test ping, ownership verification, statistics and delivery-history purge. Secrets are shown only
// in the create and rotate answers.
import { Router, type Request } from 'express';
import { ORDERING_ON_DEAD, SOURCE_KEY_PATTERN, validateFilter, type PayloadFilter } from '@hookway/contracts';
import { badRequest, bodyParser, notFound, queryParser, sendData, type AppError } from '@hookway/http';
import { isReservedHeader } from '@hookway/outbound';
import type { EndpointProbeService } from '../../domain/endpoint-probe.service.js';
import type { IntegrationInput, IntegrationService } from '../../domain/integration.service.js';
import type { IntegrationPatch } from '../../domain/ports.js';
import { operatorOf } from './errors.js';
import { optionalText, requireUuid, type BodySchema, type QuerySchema } from './schema.js';

interface IntegrationQuery {
  provider?: string | null;
  activeOnly?: boolean | null;
}

const parseQuery = queryParser<IntegrationQuery>({
  type: 'object',
  additionalProperties: false,
  properties: {
    provider: optionalText,
    activeOnly: { type: 'boolean', nullable: true },
  },
} satisfies QuerySchema<IntegrationQuery>);

export const MAX_EVENT_TYPES = 50;
export const MAX_HEADERS = 20;

const nameProperty = { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' } as const;
const urlProperty = { type: 'string', minLength: 1, maxLength: 2048 } as const;
// Exact types or globs ("order.*", "order.**", "*"): no whitespace, nothing empty.
const eventTypesProperty = {
  type: 'array',
  minItems: 1,
  maxItems: MAX_EVENT_TYPES,
  uniqueItems: true,
  items: { type: 'string', minLength: 1, maxLength: 200, pattern: '^\\S+$' },
} as const;
const headersProperty = {
  type: 'object',
  required: [],
  maxProperties: MAX_HEADERS,
  // An HTTP token (RFC 9110) as the name; no CR, LF or NUL in the value.
  propertyNames: { type: 'string', maxLength: 100, pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" },
  additionalProperties: { type: 'string', maxLength: 1000, pattern: '^[^\\r\\n\\u0000]*$' },
} as const;
const descriptionProperty = { type: 'string', maxLength: 1000, nullable: true } as const;
// The filter's own rules (operators, paths, depth, size) are checked by validateFilter, which names each problem.
const filterProperty = { type: 'object', required: [], nullable: true } as const;
const rateLimitProperty = {
  type: 'object',
  additionalProperties: false,
  required: ['perSecond'],
  nullable: true,
  properties: {
    perSecond: { type: 'number', exclusiveMinimum: 0, maximum: 10_000 },
    burst: { type: 'integer', minimum: 1, maximum: 10_000, nullable: true },
  },
} as const;
// null (or left out) delivers without an order; the spec refuses a null orderingOnDead before this runs.
const orderingProperty = { type: 'string', enum: ['subject', null], nullable: true } as const;
const orderingOnDeadProperty = { type: 'string', enum: [...ORDERING_ON_DEAD], nullable: true } as const;

interface RateLimitBody {
  perSecond: number;
  burst?: number | null;
}
type WithRateLimitBody<T> = Omit<T, 'rateLimit'> & { rateLimit?: RateLimitBody | null };

interface FilterTestBody {
  event: { type: string; subject?: string | null; data?: Record<string, unknown> | null; provider?: string | null };
  filter?: PayloadFilter | null;
}

const parseCreateBody = bodyParser<WithRateLimitBody<IntegrationInput>>({
  type: 'object',
  additionalProperties: false,
  required: ['name', 'provider', 'url', 'eventTypes'],
  properties: {
    name: nameProperty,
    // A source key; the service checks that a source has it.
    provider: { type: 'string', pattern: SOURCE_KEY_PATTERN },
    url: urlProperty,
    eventTypes: eventTypesProperty,
    headers: { ...headersProperty, nullable: true },
    description: descriptionProperty,
    filter: filterProperty,
    rateLimit: rateLimitProperty,
    ordering: orderingProperty,
    orderingOnDead: orderingOnDeadProperty,
  },
} satisfies BodySchema<WithRateLimitBody<IntegrationInput>>);

const parsePatchBody = bodyParser<WithRateLimitBody<IntegrationPatch>>({
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  required: [],
  properties: {
    name: { ...nameProperty, nullable: true },
    url: { ...urlProperty, nullable: true },
    eventTypes: { ...eventTypesProperty, nullable: true },
    headers: { ...headersProperty, nullable: true },
    description: descriptionProperty,
    filter: filterProperty,
    rateLimit: rateLimitProperty,
    ordering: orderingProperty,
    orderingOnDead: orderingOnDeadProperty,
  },
} satisfies BodySchema<WithRateLimitBody<IntegrationPatch>>);

const parseFilterTestBody = bodyParser<FilterTestBody>({
  type: 'object',
  additionalProperties: false,
  required: ['event'],
  properties: {
    event: {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: { type: 'string', minLength: 1, maxLength: 200 },
        subject: { type: 'string', maxLength: 1000, nullable: true },
        data: { type: 'object', required: [], nullable: true },
        provider: { type: 'string', minLength: 1, maxLength: 200, nullable: true },
      },
    },
    filter: filterProperty,
  },
} satisfies BodySchema<FilterTestBody>);

/** A filter that breaks the language's rules is a 400 naming each problem, as a JSON Pointer into the body. */
function checkFilter(filter: PayloadFilter | null | undefined): void {
  if (filter === undefined || filter === null) return;
  const problems = validateFilter(filter);
  if (problems.length > 0) {
    throw badRequest('VALIDATION_ERROR', 'request body is invalid', {
      errors: problems.map((problem) => ({ path: `/filter${problem.path}`, message: problem.message })),
    });
  }
}

/** A burst left out is 1: requests evenly spaced, none back to back. */
function withRateLimit<T extends { rateLimit?: RateLimitBody | null }>(body: T): Omit<T, 'rateLimit'> & { rateLimit?: { perSecond: number; burst: number } | null } {
  const { rateLimit, ...rest } = body;
  if (rateLimit === undefined) return rest;
  return { ...rest, rateLimit: rateLimit === null ? null : { perSecond: rateLimit.perSecond, burst: rateLimit.burst ?? 1 } };
}

/** Headers Hookway sets itself (signature, content type, ...) cannot be overridden, nor can one name be given twice. */
function checkHeaders(headers: Record<string, string> | undefined): void {
  if (!headers) return;
  const errors: { path: string; message: string }[] = [];
  const seen = new Set<string>();
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase();
    if (isReservedHeader(name)) errors.push({ path: `/headers/${name}`, message: 'is a reserved header Hookway sets itself' });
    else if (seen.has(lower)) errors.push({ path: `/headers/${name}`, message: 'is given twice (header names are case-insensitive)' });
    seen.add(lower);
  }
  if (errors.length > 0) throw badRequest('VALIDATION_ERROR', 'request body is invalid', { errors });
}

/** ajv lets an explicit null through a nullable property: null means "not given", except for description. */
function withoutNulls<T extends object>(body: T, keep: readonly string[] = []): T {
  return Object.fromEntries(Object.entries(body).filter(([key, value]) => value !== null || keep.includes(key))) as T;
}

function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.header('idempotency-key');
  if (key === undefined) return undefined;
  if (key.length < 1 || key.length > 255) {
    throw badRequest('INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1 to 255 characters', {
      errors: [{ path: 'header:Idempotency-Key', message: 'must be 1 to 255 characters' }],
    });
  }
  return key;
}

const integrationNotFound = (id: string): AppError => notFound('INTEGRATION_NOT_FOUND', `integration ${id} does not exist`);
const integrationId = (req: Request<{ id: string }>): string => requireUuid(req.params.id, integrationNotFound);

export interface IntegrationRouteDependencies {
  integrationService: IntegrationService;
  probes: EndpointProbeService;
}

export function integrationRoutes({ integrationService: service, probes }: IntegrationRouteDependencies): Router {
  const router = Router();

  router.get('/integrations', async (req, res) => {
    const query = parseQuery(req.query);
    const items = await service.list({ provider: query.provider, ...(query.activeOnly ? { state: 'active' } : {}) });
    sendData(res, 200, items, { total: items.length });
  });

  router.post('/integrations', async (req, res) => {
    const input: IntegrationInput = withRateLimit(withoutNulls(parseCreateBody(req.body), ['description']));
    checkHeaders(input.headers);
    checkFilter(input.filter);
    const outcome = await service.create(input, operatorOf(req), idempotencyKeyOf(req));
    if (outcome.replayed) res.setHeader('idempotent-replayed', 'true');
    sendData(res, 201, outcome.integration);
  });

  router.get('/integrations/:id', async (req, res) => {
    sendData(res, 200, await service.get(integrationId(req)));
  });

  router.patch('/integrations/:id', async (req, res) => {
    const id = integrationId(req);
    const patch: IntegrationPatch = withRateLimit(withoutNulls(parsePatchBody(req.body), ['description', 'filter', 'rateLimit', 'ordering']));
    if (Object.keys(patch).length === 0) {
      throw badRequest('VALIDATION_ERROR', 'request body is invalid', { errors: [{ path: '/', message: 'must change at least one field' }] });
    }
    checkHeaders(patch.headers);
    checkFilter(patch.filter);
    sendData(res, 200, await service.update(id, patch, operatorOf(req)));
  });

  router.delete('/integrations/:id', async (req, res) => {
    await service.delete(integrationId(req), operatorOf(req));
    res.status(204).end();
  });

  router.post('/integrations/:id/pause', async (req, res) => {
    sendData(res, 200, await service.pause(integrationId(req), operatorOf(req)));
  });

  router.post('/integrations/:id/resume', async (req, res) => {
    const { integration, releasedJobs } = await service.resume(integrationId(req), operatorOf(req));
    sendData(res, 200, integration, { releasedJobs });
  });

  router.post('/integrations/:id/rotate-secret', async (req, res) => {
    sendData(res, 200, await service.rotateSecret(integrationId(req), operatorOf(req)));
  });

  router.post('/integrations/:id/test', async (req, res) => {
    sendData(res, 200, await probes.test(integrationId(req), operatorOf(req)));
  });

  router.post('/integrations/:id/verify', async (req, res) => {
    sendData(res, 200, await probes.verify(integrationId(req), operatorOf(req)));
  });

  router.post('/integrations/:id/filter-test', async (req, res) => {
    const id = integrationId(req);
    const body = parseFilterTestBody(req.body);
    checkFilter(body.filter);
    const event = { type: body.event.type, subject: body.event.subject ?? null, data: body.event.data ?? null, provider: body.event.provider ?? null };
    sendData(res, 200, await service.filterTest(id, event, body.filter ?? undefined));
  });

  router.get('/integrations/:id/stats', async (req, res) => {
    sendData(res, 200, await service.stats(integrationId(req)));
  });

  router.delete('/integrations/:id/deliveries', async (req, res) => {
    sendData(res, 200, { deleted: await service.purgeDeliveries(integrationId(req), operatorOf(req)) });
  });

  return router;
}
