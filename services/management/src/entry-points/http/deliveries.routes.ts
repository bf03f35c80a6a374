// GET /deliveries: the delivery-attempt log, newest first; for a caller narrowed to a workspace, the attempts to that
// workspace's integrations only.
import { Router } from 'express';
import { pageMeta, sendData } from '@hookway/http';
import type { DeliveryAttemptStore } from '../../domain/ports.js';
import { listedWorkspace, queryOf } from './requests.js';

export function deliveryRoutes(attempts: DeliveryAttemptStore): Router {
  const router = Router();
  router.get('/deliveries', async (req, res) => {
    const query = queryOf<'listDeliveries', 'page' | 'pageSize'>(req);
    const page = await attempts.search({ ...query, workspaceId: listedWorkspace(req, query.workspaceId) });
    sendData(res, 200, page.items, { ...pageMeta(query.page, query.pageSize, page.total) });
  });
  return router;
}
