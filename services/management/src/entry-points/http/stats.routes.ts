// GET /stats/overview: the aggregates the operator console's overview shows (see Overview in domain/ports.ts).
import { Router } from 'express';
import { sendData } from '@hookway/http';
import type { OverviewReader } from '../../domain/ports.js';
import { queryOf } from './requests.js';

export function statsRoutes(overview: OverviewReader): Router {
  const router = Router();
  router.get('/stats/overview', async (req, res) => {
    const { minutes } = queryOf<'getOverviewStats', 'minutes'>(req);
    sendData(res, 200, await overview.overview(minutes));
  });
  return router;
}
