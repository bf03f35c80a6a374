// Inbound sources: list, create, read, partial update, delete, pause/resume and secret rotation. A source's
// secret is shown only in the create and rotate answers; the verifier and mapping are checked against the
// shapes ingress runs (libs/contracts sources.ts), each problem named by its path. A caller narrowed to a workspace
// sees and changes only that workspace's sources; another workspace's id answers 404 exactly as an unknown one.
import { Router, type Request } from 'express';
import { mappingProblems, verifierProblems, type SchemaProblem, type SourceMapping, type VerifierConfig } from '@hookway/contracts';
import { badRequest, conflict, notFound, sendData, type AppError } from '@hookway/http';
import type { SourcePatch } from '../../domain/ports.js';
import { SourceKeyReservedError, type RotateInput, type SourceInput, type SourceService } from '../../domain/source.service.js';
import { operatorOf } from './errors.js';
import { bodyOf, listedWorkspace, queryOf, requireUuid, scopeOf } from './requests.js';

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

  router.get('/sources', async (req, res) => {
    const workspaceId = listedWorkspace(req, queryOf<'listSources'>(req).workspaceId);
    const items = await service.list(workspaceId === undefined ? {} : { workspaceId });
    sendData(res, 200, items, { total: items.length });
  });

  router.post('/sources', async (req, res) => {
    const body = bodyOf<'createSource'>(req);
    const input: SourceInput = {
      ...(body.workspaceId ? { workspaceId: body.workspaceId } : {}),
      key: body.key,
      name: body.name,
      verifier: checkedVerifier(body.verifier),
      ...(body.mapping ? { mapping: checkedMapping(body.mapping) } : {}),
      ...(body.rateLimit ? { rateLimit: body.rateLimit } : {}),
      ...(typeof body.secret === 'string' ? { secret: body.secret } : {}),
    };
    try {
      sendData(res, 201, await service.create(input, operatorOf(req)));
    } catch (error) {
      // Mapped here rather than in errors.ts: only this route can raise it.
      if (error instanceof SourceKeyReservedError) throw conflict('SOURCE_KEY_RESERVED', error.message, { key: error.key });
      throw error;
    }
  });

  router.get('/sources/:id', async (req, res) => {
    sendData(res, 200, await service.get(sourceId(req), scopeOf(req)));
  });

  router.patch('/sources/:id', async (req, res) => {
    const id = sourceId(req);
    // The spec requires at least one field.
    const body = bodyOf<'updateSource'>(req);
    const patch: SourcePatch = {
      ...(body.name ? { name: body.name } : {}),
      ...(body.verifier ? { verifier: checkedVerifier(body.verifier) } : {}),
      ...(body.mapping ? { mapping: checkedMapping(body.mapping) } : {}),
      // null removes the limit.
      ...(body.rateLimit !== undefined ? { rateLimit: body.rateLimit } : {}),
    };
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
    const body = bodyOf<'rotateSourceSecret'>(req) ?? {};
    const input: RotateInput = {
      ...(typeof body.secret === 'string' ? { secret: body.secret } : {}),
      ...(typeof body.graceSeconds === 'number' ? { graceSeconds: body.graceSeconds } : {}),
    };
    sendData(res, 200, await service.rotateSecret(id, input, operatorOf(req)));
  });

  return router;
}
