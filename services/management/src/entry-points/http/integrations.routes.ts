// Integrations: list, create (Idempotency-Key honoured), read, partial update, delete, pause/resume, secret
// rotation, test ping, ownership verification, statistics and delivery-history purge. Secrets are shown only
// in the create and rotate answers. A caller narrowed to a workspace sees and changes only that workspace's
// integrations; another workspace's id answers 404 exactly as an unknown one.
import { Router, type Request } from 'express';
import { validateFilter, type PayloadFilter } from '@hookway/contracts';
import { badRequest, notFound, sendData, type AppError } from '@hookway/http';
import { isReservedHeader } from '@hookway/outbound';
import type { EndpointProbeService } from '../../domain/endpoint-probe.service.js';
import type { IntegrationInput, IntegrationService } from '../../domain/integration.service.js';
import type { IntegrationPatch } from '../../domain/ports.js';
import { operatorOf } from './errors.js';
import { bodyOf, listedWorkspace, queryOf, requireUuid, scopeOf, type Schemas } from './requests.js';

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
function withRateLimit<T extends { rateLimit?: Schemas['RateLimit'] | null }>(body: T): Omit<T, 'rateLimit'> & { rateLimit?: Required<Schemas['RateLimit']> | null } {
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

/**
 * On create, an explicit null (filter, rateLimit, ordering) means "not given", except for description: the
 * Idempotency-Key comparison then sees `{filter: null}` and `{}` as the same body.
 */
function withoutNulls<T extends object>(body: T, keep: readonly string[] = []): T {
  return Object.fromEntries(Object.entries(body).filter(([key, value]) => value !== null || keep.includes(key))) as T;
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
    const query = queryOf<'listIntegrations'>(req);
    const items = await service.list({
      workspaceId: listedWorkspace(req, query.workspaceId), provider: query.provider, ...(query.activeOnly ? { state: 'active' } : {}),
    });
    sendData(res, 200, items, { total: items.length });
  });

  router.post('/integrations', async (req, res) => {
    const input: IntegrationInput = withRateLimit(withoutNulls(bodyOf<'createIntegration'>(req), ['description']));
    checkHeaders(input.headers);
    checkFilter(input.filter);
    // The spec bounds the key (1 to 255 characters).
    const outcome = await service.create(input, operatorOf(req), req.header('idempotency-key'));
    if (outcome.replayed) res.setHeader('idempotent-replayed', 'true');
    sendData(res, 201, outcome.integration);
  });

  router.get('/integrations/:id', async (req, res) => {
    sendData(res, 200, await service.get(integrationId(req), scopeOf(req)));
  });

  router.patch('/integrations/:id', async (req, res) => {
    const id = integrationId(req);
    // The spec requires at least one field; a null clears description, filter, rateLimit or ordering.
    const patch: IntegrationPatch = withRateLimit(bodyOf<'updateIntegration'>(req));
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
    const body = bodyOf<'testIntegrationFilter'>(req);
    checkFilter(body.filter);
    const event = { type: body.event.type, subject: body.event.subject ?? null, data: body.event.data ?? null, provider: body.event.provider ?? null };
    sendData(res, 200, await service.filterTest(id, scopeOf(req), event, body.filter ?? undefined));
  });

  router.get('/integrations/:id/stats', async (req, res) => {
    sendData(res, 200, await service.stats(integrationId(req), scopeOf(req)));
  });

  router.delete('/integrations/:id/deliveries', async (req, res) => {
    sendData(res, 200, { deleted: await service.purgeDeliveries(integrationId(req), operatorOf(req)) });
  });

  return router;
}
