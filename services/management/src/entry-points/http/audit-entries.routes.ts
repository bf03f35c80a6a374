// The audit log: filtered listing and whole-chain verification.
import { Router } from 'express';
import { pageMeta, queryParser, sendData } from '@hookway/http';
import { verifyChain } from '../../domain/audit-chain.js';
import type { AuditEntryReader } from '../../domain/ports.js';
import { optionalText, pageProperty, pageSizeProperty, type QuerySchema } from './schema.js';

interface AuditQuery {
  page: number;
  pageSize: number;
  entityType?: string | null;
  entityId?: string | null;
  action?: string | null;
}

const parseQuery = queryParser<AuditQuery>({
  type: 'object',
  additionalProperties: false,
  required: ['page', 'pageSize'],
  properties: {
    page: pageProperty,
    pageSize: pageSizeProperty,
    entityType: optionalText,
    entityId: optionalText,
    action: optionalText,
  },
} satisfies QuerySchema<AuditQuery>);

export function auditEntryRoutes(entries: AuditEntryReader): Router {
  const router = Router();
  // Registered before any /audit-entries/:id route so "verify" is never read as an id.
  router.get('/audit-entries/verify', async (_req, res) => {
    sendData(res, 200, await verifyChain(entries.inChainOrder()));
  });
  router.get('/audit-entries', async (req, res) => {
    const query = parseQuery(req.query);
    const page = await entries.search(query);
    sendData(res, 200, page.items, { ...pageMeta(query.page, query.pageSize, page.total) });
  });
  return router;
}
