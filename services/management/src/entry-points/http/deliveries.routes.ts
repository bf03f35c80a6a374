// GET /deliveries: the delivery-attempt log, newest first.
import { Router } from 'express';
import { pageMeta, queryParser, sendData } from '@hookway/http';
import type { AttemptStatus, DeliveryAttemptStore } from '../../domain/ports.js';
import { optionalUuid, pageProperty, pageSizeProperty, type QuerySchema } from './schema.js';

interface DeliveryQuery {
  page: number;
  pageSize: number;
  status?: AttemptStatus | null;
  eventId?: string | null;
  integrationId?: string | null;
}

const parseQuery = queryParser<DeliveryQuery>({
  type: 'object',
  additionalProperties: false,
  required: ['page', 'pageSize'],
  properties: {
    page: pageProperty,
    pageSize: pageSizeProperty,
    status: { type: 'string', enum: ['success', 'failed'], nullable: true },
    eventId: optionalUuid,
    integrationId: optionalUuid,
  },
} satisfies QuerySchema<DeliveryQuery>);

export function deliveryRoutes(attempts: DeliveryAttemptStore): Router {
  const router = Router();
  router.get('/deliveries', async (req, res) => {
    const query = parseQuery(req.query);
    const page = await attempts.search(query);
    sendData(res, 200, page.items, { ...pageMeta(query.page, query.pageSize, page.total) });
  });
  return router;
}
