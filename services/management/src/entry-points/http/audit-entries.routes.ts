// The audit log: filtered listing and whole-chain verification.
import { Router } from 'express';
import { pageMeta, sendData } from '@hookway/http';
import { verifyChain } from '../../domain/audit-chain.js';
import type { AuditEntryReader } from '../../domain/ports.js';
import { queryOf } from './requests.js';

export function auditEntryRoutes(entries: AuditEntryReader): Router {
  const router = Router();
  // Registered before any /audit-entries/:id route so "verify" is never read as an id.
  router.get('/audit-entries/verify', async (_req, res) => {
    sendData(res, 200, await verifyChain(entries.inChainOrder()));
  });
  router.get('/audit-entries', async (req, res) => {
    const query = queryOf<'listAuditEntries', 'page' | 'pageSize'>(req);
    const page = await entries.search(query);
    sendData(res, 200, page.items, { ...pageMeta(query.page, query.pageSize, page.total) });
  });
  return router;
}
