// GET /integrations: configured integrations, never their secrets.
import { Router } from 'express';
import { queryParser, sendData } from '@hookway/http';
import type { IntegrationRepository } from '../../data-access/integration.repository.js';
import { optionalText, type QuerySchema } from './schema.js';

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

export function integrationRoutes(integrations: IntegrationRepository): Router {
  const router = Router();
  router.get('/integrations', async (req, res) => {
    const query = parseQuery(req.query);
    const items = await integrations.list({ provider: query.provider, ...(query.activeOnly ? { state: 'active' } : {}) });
    sendData(res, 200, items, { total: items.length });
  });
  return router;
}
