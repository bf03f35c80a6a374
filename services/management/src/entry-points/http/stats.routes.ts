// GET /stats/overview: the aggregates the operator console's overview shows (see Overview in domain/ports.ts), over
// the caller's workspace when it is narrowed to one (or the one an operator names), else over every workspace.
import { Router } from 'express';
import { sendData } from '@hookway/http';
import type { OverviewReader } from '../../domain/ports.js';
import { listedWorkspace, queryOf } from './requests.js';

export function statsRoutes(overview: OverviewReader): Router {
  const router = Router();
  router.get('/stats/overview', async (req, res) => {
    const { minutes, workspaceId } = queryOf<'getOverviewStats', 'minutes'>(req);
    const listed = listedWorkspace(req, workspaceId);
    sendData(res, 200, await overview.overview(minutes, listed === undefined ? {} : { workspaceId: listed }));
  });
  return router;
}
