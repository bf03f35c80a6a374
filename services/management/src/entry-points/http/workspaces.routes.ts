// Workspaces and their API keys: list, create, read, rename and delete workspaces; create (the key shown this
// once), list (prefix only) and revoke a workspace's keys. Who may do what is the domain's (workspace.service.ts).
import { Router, type Request } from 'express';
import { notFound, pageMeta, sendData } from '@hookway/http';
import type { WorkspacePatch } from '../../domain/ports.js';
import type { WorkspaceService } from '../../domain/workspace.service.js';
import { operatorOf } from './errors.js';
import { bodyOf, queryOf, requireUuid } from './requests.js';

const workspaceId = (req: Request<{ workspaceId: string }>): string =>
  requireUuid(req.params.workspaceId, (id) => notFound('WORKSPACE_NOT_FOUND', `workspace ${id} does not exist`));
const keyId = (req: Request<{ keyId: string }>): string =>
  requireUuid(req.params.keyId, (id) => notFound('API_KEY_NOT_FOUND', `API key ${id} does not exist`));

export function workspaceRoutes({ workspaceService: service }: { workspaceService: WorkspaceService }): Router {
  const router = Router();

  router.get('/workspaces', async (req, res) => {
    const query = queryOf<'listWorkspaces', 'page' | 'pageSize'>(req);
    const page = await service.list(query, operatorOf(req));
    sendData(res, 200, page.items, { ...pageMeta(query.page, query.pageSize, page.total) });
  });

  router.post('/workspaces', async (req, res) => {
    const body = bodyOf<'createWorkspace'>(req);
    const input = { slug: body.slug, name: body.name, ...(body.description === undefined ? {} : { description: body.description }) };
    sendData(res, 201, await service.create(input, operatorOf(req)));
  });

  router.get('/workspaces/:workspaceId', async (req, res) => {
    sendData(res, 200, await service.get(workspaceId(req), operatorOf(req)));
  });

  router.patch('/workspaces/:workspaceId', async (req, res) => {
    const id = workspaceId(req);
    // The spec requires at least one field and refuses `slug`.
    const body = bodyOf<'updateWorkspace'>(req);
    const patch: WorkspacePatch = {
      ...(body.name === undefined ? {} : { name: body.name }),
      ...(body.description === undefined ? {} : { description: body.description }),
    };
    sendData(res, 200, await service.update(id, patch, operatorOf(req)));
  });

  router.delete('/workspaces/:workspaceId', async (req, res) => {
    await service.delete(workspaceId(req), operatorOf(req));
    res.status(204).end();
  });

  router.get('/workspaces/:workspaceId/api-keys', async (req, res) => {
    const id = workspaceId(req);
    const query = queryOf<'listApiKeys', 'page' | 'pageSize'>(req);
    const page = await service.listKeys(id, query, operatorOf(req));
    sendData(res, 200, page.items, { ...pageMeta(query.page, query.pageSize, page.total) });
  });

  router.post('/workspaces/:workspaceId/api-keys', async (req, res) => {
    const id = workspaceId(req);
    const body = bodyOf<'createApiKey'>(req);
    const input = { name: body.name, scopes: body.scopes, ...(body.rateLimit === undefined ? {} : { rateLimit: body.rateLimit }) };
    sendData(res, 201, await service.createKey(id, input, operatorOf(req)));
  });

  router.delete('/workspaces/:workspaceId/api-keys/:keyId', async (req, res) => {
    await service.revokeKey(workspaceId(req), keyId(req), operatorOf(req));
    res.status(204).end();
  });

  return router;
}
