// Dead letters: the dead jobs, replaying one, and replaying every one matching a filter in the background. A caller
// narrowed to a workspace lists, replays and follows only its integrations' dead letters and its own bulk runs.
import { Router } from 'express';
import { badRequest, notFound, pageMeta, sendData } from '@hookway/http';
import type { BulkReplayFilter, BulkReplayService } from '../../domain/bulk-replay.service.js';
import type { JobOperationsService } from '../../domain/job-operations.service.js';
import type { BulkReplay, DeliveryJobStore } from '../../domain/ports.js';
import { operatorOf } from './errors.js';
import { jobNotFound, replayAskOf } from './jobs.routes.js';
import { bodyOf, listedWorkspace, queryOf, requireUuid, scopeOf, type Schemas } from './requests.js';

/** The filter as given, without the empty parts. */
function filterOf(body: Schemas['BulkReplayRequest']): BulkReplayFilter {
  const filter: BulkReplayFilter = {};
  if (body.integrationId) filter.integrationId = body.integrationId;
  if (body.provider) filter.provider = body.provider;
  if (body.eventType) filter.eventType = body.eventType;
  if (body.since) filter.since = body.since;
  if (body.all === true) filter.all = true;
  return filter;
}

function bulkView(run: BulkReplay): Record<string, unknown> {
  return {
    id: run.id,
    status: run.status,
    matched: run.matched,
    requeued: run.requeued,
    filter: run.filter,
    requestedBy: run.requestedBy,
    reason: run.reason,
    error: run.error,
    createdAt: run.createdAt,
    completedAt: run.completedAt,
  };
}

const bulkNotFound = (id: string) => notFound('BULK_REPLAY_NOT_FOUND', `bulk replay ${id} does not exist`);

export interface DeadLetterRouteDependencies {
  jobs: DeliveryJobStore;
  jobOperations: JobOperationsService;
  bulkReplays: BulkReplayService;
}

export function deadLetterRoutes({ jobs, jobOperations, bulkReplays }: DeadLetterRouteDependencies): Router {
  const router = Router();

  router.get('/dead-letters', async (req, res) => {
    const query = queryOf<'listDeadLetters', 'page' | 'pageSize'>(req);
    const page = await jobs.searchDeadLetters({ ...query, workspaceId: listedWorkspace(req, query.workspaceId) });
    sendData(res, 200, page.items, { ...pageMeta(query.page, query.pageSize, page.total) });
  });

  router.post('/dead-letters/replay', async (req, res) => {
    const body = bodyOf<'bulkReplayDeadLetters'>(req);
    const filter = filterOf(body);
    // "At least one of" over optional fields is left to code, which can say so plainly.
    if (Object.keys(filter).length === 0) {
      throw badRequest('VALIDATION_ERROR', 'request body is invalid', {
        errors: [{ path: '/', message: 'name at least one of integrationId, provider, eventType, since, or send all: true' }],
      });
    }
    const ask = { ...(body.requestedBy ? { requestedBy: body.requestedBy } : {}), ...(body.reason ? { reason: body.reason } : {}) };
    const run = await bulkReplays.start(filter, ask, operatorOf(req));
    sendData(res, 202, { bulkReplayId: run.id, status: run.status });
  });

  router.get('/dead-letter-replays/:id', async (req, res) => {
    const id = requireUuid(req.params.id, bulkNotFound);
    const run = await bulkReplays.find(id, scopeOf(req));
    if (!run) throw bulkNotFound(id);
    sendData(res, 200, bulkView(run));
  });

  router.post('/dead-letters/:jobId/replay', async (req, res) => {
    const id = requireUuid(req.params.jobId, jobNotFound);
    sendData(res, 202, await jobOperations.replayDeadLetter(id, replayAskOf(req), operatorOf(req)));
  });

  return router;
}
