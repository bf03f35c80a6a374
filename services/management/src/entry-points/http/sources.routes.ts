// Inbound sources: list, create, read, partial update, delete, pause/resume and secret rotation. A source's
// secret is shown only in the create and rotate answers; the verifier and mapping are checked against the
// shapes ingress runs (libs/contracts sources.ts), each problem named by its path.
import { Router, type Request } from 'express';
import {
  mappingProblems, SOURCE_KEY_PATTERN, verifierProblems, type SchemaProblem, type SourceMapping, type VerifierConfig,
} from '@hookway/contracts';
import { badRequest, bodyParser, notFound, sendData, type AppError } from '@hookway/http';
import type { SourcePatch } from '../../domain/ports.js';
import type { RotateInput, SourceInput, SourceService } from '../../domain/source.service.js';
import { operatorOf } from './errors.js';
import { requireUuid, type BodySchema } from './schema.js';

interface RawRateLimit {
  perSecond: number;
  burst: number;
}

interface RawSourceBody {
  key: string;
  name: string;
  verifier: Record<string, unknown>;
  mapping?: Record<string, unknown> | null;
  rateLimit?: RawRateLimit | null;
  secret?: string | null;
}

interface RawPatchBody {
  name?: string | null;
  verifier?: Record<string, unknown> | null;
  mapping?: Record<string, unknown> | null;
  rateLimit?: RawRateLimit | null;
}

const nameProperty = { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' } as const;
const looseObject = { type: 'object', required: [], additionalProperties: true } as const;
const rateLimitProperty = {
  type: 'object',
  additionalProperties: false,
  required: ['perSecond', 'burst'],
  properties: {
    perSecond: { type: 'number', exclusiveMinimum: 0, maximum: 100_000 },
    burst: { type: 'integer', minimum: 1, maximum: 100_000 },
  },
  nullable: true,
} as const;
// Printable, no whitespace at the ends: it goes into HMAC keys and header comparisons as is.
const secretProperty = { type: 'string', minLength: 8, maxLength: 500, pattern: '^\\S(.*\\S)?$', nullable: true } as const;

const parseCreateBody = bodyParser<RawSourceBody>({
  type: 'object',
  additionalProperties: false,
  required: ['key', 'name', 'verifier'],
  properties: {
    key: { type: 'string', pattern: SOURCE_KEY_PATTERN },
    name: nameProperty,
    verifier: looseObject,
    mapping: { ...looseObject, nullable: true },
    rateLimit: rateLimitProperty,
    secret: secretProperty,
  },
} satisfies BodySchema<RawSourceBody>);

const parsePatchBody = bodyParser<RawPatchBody>({
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  required: [],
  properties: {
    name: { ...nameProperty, nullable: true },
    verifier: { ...looseObject, nullable: true },
    mapping: { ...looseObject, nullable: true },
    rateLimit: rateLimitProperty,
  },
} satisfies BodySchema<RawPatchBody>);

const parseRotateBody = bodyParser<{ secret?: string | null; graceSeconds?: number | null }>({
  type: 'object',
  additionalProperties: false,
  required: [],
  properties: {
    secret: secretProperty,
    graceSeconds: { type: 'integer', minimum: 0, maximum: 7 * 24 * 3600, nullable: true },
  },
} satisfies BodySchema<{ secret?: string | null; graceSeconds?: number | null }>);

function refuse(errors: SchemaProblem[]): void {
  if (errors.length > 0) throw badRequest('VALIDATION_ERROR', 'request body is invalid', { errors });
}

function checkedVerifier(value: Record<string, unknown>): VerifierConfig {
  refuse(verifierProblems(value));
  return value as unknown as VerifierConfig;
}

function checkedMapping(value: Record<string, unknown>): SourceMapping {
  refuse(mappingProblems(value));
  return value as unknown as SourceMapping;
}

const sourceNotFound = (id: string): AppError => notFound('SOURCE_NOT_FOUND', `source ${id} does not exist`);
const sourceId = (req: Request<{ id: string }>): string => requireUuid(req.params.id, sourceNotFound);

export function sourceRoutes({ sourceService: service }: { sourceService: SourceService }): Router {
  const router = Router();

  router.get('/sources', async (_req, res) => {
    const items = await service.list();
    sendData(res, 200, items, { total: items.length });
  });

  router.post('/sources', async (req, res) => {
    const body = parseCreateBody(req.body);
    const input: SourceInput = {
      key: body.key,
      name: body.name,
      verifier: checkedVerifier(body.verifier),
      ...(body.mapping ? { mapping: checkedMapping(body.mapping) } : {}),
      ...(body.rateLimit ? { rateLimit: body.rateLimit } : {}),
      ...(typeof body.secret === 'string' ? { secret: body.secret } : {}),
    };
    sendData(res, 201, await service.create(input, operatorOf(req)));
  });

  router.get('/sources/:id', async (req, res) => {
    sendData(res, 200, await service.get(sourceId(req)));
  });

  router.patch('/sources/:id', async (req, res) => {
    const id = sourceId(req);
    const body = parsePatchBody(req.body);
    const patch: SourcePatch = {
      ...(body.name ? { name: body.name } : {}),
      ...(body.verifier ? { verifier: checkedVerifier(body.verifier) } : {}),
      ...(body.mapping ? { mapping: checkedMapping(body.mapping) } : {}),
      // null removes the limit.
      ...(body.rateLimit !== undefined ? { rateLimit: body.rateLimit } : {}),
    };
    if (Object.keys(patch).length === 0) {
      throw badRequest('VALIDATION_ERROR', 'request body is invalid', { errors: [{ path: '/', message: 'must change at least one field' }] });
    }
    sendData(res, 200, await service.update(id, patch, operatorOf(req)));
  });

  router.delete('/sources/:id', async (req, res) => {
    await service.delete(sourceId(req), operatorOf(req));
    res.status(204).end();
  });

  router.post('/sources/:id/pause', async (req, res) => {
    sendData(res, 200, await service.setState(sourceId(req), 'paused', operatorOf(req)));
  });

  router.post('/sources/:id/resume', async (req, res) => {
    sendData(res, 200, await service.setState(sourceId(req), 'active', operatorOf(req)));
  });

  router.post('/sources/:id/rotate-secret', async (req, res) => {
    const id = sourceId(req);
    const body = parseRotateBody(req.body);
    const input: RotateInput = {
      ...(typeof body.secret === 'string' ? { secret: body.secret } : {}),
      ...(typeof body.graceSeconds === 'number' ? { graceSeconds: body.graceSeconds } : {}),
    };
    sendData(res, 200, await service.rotateSecret(id, input, operatorOf(req)));
  });

  return router;
}
