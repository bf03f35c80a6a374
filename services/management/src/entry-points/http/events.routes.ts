// Event search, detail, processing status, replay, and the event types seen per provider. A caller narrowed to a
// workspace sees and replays only that workspace's events; another workspace's id answers 404 as an unknown one.
import { Router, type RequestHandler } from 'express';
import { badRequest, isUuid, notFound, pageMeta, sendData, type AppError } from '@hookway/http';
import type { EventViews } from '../../domain/event-views.js';
import type { EventReader } from '../../domain/ports.js';
import { EventNotFoundError, type ReplayService } from '../../domain/replay.service.js';
import { bodyOf, listedWorkspace, queryOf, scopeOf } from './requests.js';

function eventNotFound(id: string): AppError {
  return notFound('EVENT_NOT_FOUND', `event ${id} does not exist`);
}

/** A malformed id cannot name an event: answer 404 rather than let PostgreSQL reject the uuid. */
function requireEventId(id: string): string {
  if (!isUuid(id)) throw eventNotFound(id);
  return id;
}

export interface EventRouteDependencies {
  events: EventReader;
  views: EventViews;
  replays: ReplayService;
}

export function eventRoutes({ events, views, replays }: EventRouteDependencies): Router {
  const router = Router();

  router.get('/events', async (req, res) => {
    const query = queryOf<'listEvents', 'page' | 'pageSize' | 'sortBy' | 'sortOrder'>(req);
    // An order between two parameters is beyond the spec's schema.
    if (query.from && query.to && Date.parse(query.from) > Date.parse(query.to)) {
      throw badRequest('INVALID_QUERY', 'query string is invalid', {
        errors: [{ path: '/from', message: 'must not be later than to' }],
      });
    }
    const page = await events.search({ ...query, workspaceId: listedWorkspace(req, query.workspaceId) });
    sendData(res, 200, page.items, { ...pageMeta(query.page, query.pageSize, page.total) });
  });

  router.get('/event-types', async (req, res) => {
    const { provider, workspaceId } = queryOf<'listEventTypes'>(req);
    const listed = listedWorkspace(req, workspaceId);
    const types = await events.eventTypes(provider, listed === undefined ? {} : { workspaceId: listed });
    sendData(res, 200, types, { total: types.length });
  });

  router.get('/events/:id', async (req, res) => {
    const id = requireEventId(req.params.id);
    const detail = await views.detail(id, scopeOf(req));
    if (!detail) throw eventNotFound(id);
    sendData(res, 200, detail);
  });

  // One handler, two paths: the alias exists for polling clients.
  const processingStatus: RequestHandler<{ id: string }> = async (req, res) => {
    const id = requireEventId(req.params.id);
    const view = await views.status(id, scopeOf(req));
    if (!view) throw eventNotFound(id);
    sendData(res, 200, view);
  };
  router.get('/events/:id/status', processingStatus);
  router.get('/processing-status/:id', processingStatus);

  router.post('/events/:id/replay', async (req, res) => {
    const id = requireEventId(req.params.id);
    const body = bodyOf<'replayEvent'>(req);
    try {
      const accepted = await replays.request({ eventId: id, ...body, correlationId: req.requestId }, scopeOf(req));
      sendData(res, 202, { replayRequestId: accepted.replayRequestId, eventId: accepted.eventId });
    } catch (error) {
      if (error instanceof EventNotFoundError) throw eventNotFound(id);
      throw error;
    }
  });

  return router;
}
