// GET /stats/overview: the aggregates the operator console's overview shows (see Overview in domain/ports.ts).
import { Router } from 'express';
import { queryParser, sendData } from '@hookway/http';
import type { OverviewReader } from '../../domain/ports.js';
import type { QuerySchema } from './schema.js';

export const MAX_OVERVIEW_MINUTES = 1440;

const parseQuery = queryParser<{ minutes: number }>({
  type: 'object',
  additionalProperties: false,
  required: ['minutes'],
  properties: { minutes: { type: 'integer', minimum: 1, maximum: MAX_OVERVIEW_MINUTES, default: 60 } },
} satisfies QuerySchema<{ minutes: number }>);

export function statsRoutes(overview: OverviewReader): Router {
  const router = Router();
  router.get('/stats/overview', async (req, res) => {
    const { minutes } = parseQuery(req.query);
    sendData(res, 200, await overview.overview(minutes));
  });
  return router;
}
