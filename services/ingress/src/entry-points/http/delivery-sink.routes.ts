// POST /internal/delivery-sink/:provider: the endpoint the seeded integrations deliver to in
// development, so the whole pipeline runs locally. `simulateFailure: true` in the payload or its
// `data` makes it answer 500, which exercises retries and dead-lettering. Never mounted in production.
import { Router } from 'express';
import { jsonBody, sendData, sendError } from '@hookway/http';

function wantsFailure(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const { simulateFailure, data } = body as { simulateFailure?: unknown; data?: unknown };
  if (simulateFailure === true) return true;
  return typeof data === 'object' && data !== null && (data as { simulateFailure?: unknown }).simulateFailure === true;
}

export function deliverySinkRoutes(maxBodyBytes: number): Router {
  const router = Router();
  router.post('/internal/delivery-sink/:provider', jsonBody(maxBodyBytes), (req, res) => {
    if (wantsFailure(req.body)) {
      req.log.debug('delivery sink simulating a failure', { provider: req.params.provider });
      sendError(res, 500, 'SIMULATED_FAILURE', 'the payload asked the delivery sink to fail');
      return;
    }
    sendData(res, 200, { received: true });
  });
  return router;
}
