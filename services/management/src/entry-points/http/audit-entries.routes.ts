// The audit log: filtered listing and whole-chain verification. A caller narrowed to a workspace reads only
// that workspace's entries; the chain spans every workspace, so only an operator verifies it.
import { Router } from 'express';
import { forbidden, pageMeta, sendData } from '@hookway/http';
import { verifyChain } from '../../domain/audit-chain.js';
import type { AuditEntryReader } from '../../domain/ports.js';
import { queryOf } from './requests.js';

export function auditEntryRoutes(entries: AuditEntryReader): Router {
  const router = Router();
  // Registered before any /audit-entries/:id route so "verify" is never read as an id.
  router.get('/audit-entries/verify', async (req, res) => {
    if (req.workspaceId !== undefined) {
      throw forbidden('OPERATOR_ONLY', 'the audit chain spans every workspace: only an operator credential may verify it');
    }
    sendData(res, 200, await verifyChain(entries.inChainOrder()));
  });
  router.get('/audit-entries', async (req, res) => {
    const query = queryOf<'listAuditEntries', 'page' | 'pageSize'>(req);
    const narrowed = req.workspaceId;
    // Another workspace's entries are not the narrowed caller's to see: such a filter matches nothing.
    const page = narrowed !== undefined && query.workspaceId !== undefined && query.workspaceId !== narrowed
      ? { items: [], total: 0 }
      : await entries.search({ ...query, ...(narrowed === undefined ? {} : { workspaceId: narrowed }) });
    sendData(res, 200, page.items, { ...pageMeta(query.page, query.pageSize, page.total) });
  });
  return router;
}
