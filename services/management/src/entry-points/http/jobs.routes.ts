// One delivery job with its attempt timeline, and "retry it now". A job belongs to its integration's workspace: a
// caller narrowed to another workspace gets 404 as for an unknown id.
import { Router, type Request } from 'express';
import { notFound, sendData, type AppError } from '@hookway/http';
import type { JobOperationsService, ReplayAsk } from '../../domain/job-operations.service.js';
import { operatorOf } from './errors.js';
import { bodyOf, requireUuid, scopeOf } from './requests.js';

/** The optional {requestedBy, reason} body of a retry or replay; an empty body is fine. */
export function replayAskOf(req: Request): ReplayAsk {
  // retryJob and replayDeadLetter share the spec's JobActionBody.
  const { requestedBy, reason } = bodyOf<'retryJob'>(req) ?? {};
  return { ...(requestedBy ? { requestedBy } : {}), ...(reason ? { reason } : {}) };
}

export const jobNotFound = (id: string): AppError => notFound('JOB_NOT_FOUND', `job ${id} does not exist`);

export function jobRoutes(jobs: JobOperationsService): Router {
  const router = Router();

  router.get('/jobs/:id', async (req, res) => {
    sendData(res, 200, await jobs.detail(requireUuid(req.params.id, jobNotFound), scopeOf(req)));
  });

  router.post('/jobs/:id/retry', async (req, res) => {
    const id = requireUuid(req.params.id, jobNotFound);
    sendData(res, 202, await jobs.retry(id, replayAskOf(req), operatorOf(req)));
  });

  return router;
}
