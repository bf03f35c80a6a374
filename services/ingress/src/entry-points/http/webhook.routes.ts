// POST /webhooks/:provider. The provider is resolved before a byte of the body is read, and the body
// is read raw so the provider can verify the exact bytes before anything trusts them.
import express, { type Router, type RequestHandler } from 'express';
import { AppError, notFound, sendData } from '@hookway/http';
import type { WebhookIntake } from '../../domain/webhook-intake.js';
import type { InflightBudget } from './inflight-budget.js';

/** Counts each webhook's fate by provider: accepted, duplicate, or rejected with its error code. */
export type WebhookOutcomeCounter = (provider: string, outcome: string) => void;

/**
 * Registers the route on `app` itself, under `basePath`, rather than on a router of its own: nearly every
 * request ingress serves is a webhook, and a nested router would cost each one a second dispatch.
 */
export function mountWebhookRoutes(
  app: Router,
  basePath: string,
  intake: WebhookIntake,
  { maxBodyBytes, budget }: { maxBodyBytes: number; budget: InflightBudget },
  count: WebhookOutcomeCounter = () => undefined,
): void {
  const knownProvider: RequestHandler<{ provider: string }> = (req, _res, next) => {
    if (intake.isKnownProvider(req.params.provider)) next();
    else next(notFound('UNKNOWN_PROVIDER', `no webhook provider named "${req.params.provider}"`));
  };

  app.post(
    `${basePath}/webhooks/:provider`,
    knownProvider,
    budget.admit((provider) => count(provider, 'UNAVAILABLE')),
    express.raw({ type: () => true, limit: maxBodyBytes }),
    async (req, res) => {
      try {
        const result = await intake.accept({
          provider: req.params.provider,
          headers: req.headers,
          rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
          requestId: req.requestId,
        });
        count(req.params.provider, result.duplicate ? 'duplicate' : 'accepted');
        sendData(res, result.duplicate ? 200 : 202, result);
      } catch (error) {
        count(req.params.provider, error instanceof AppError ? error.code : 'INTERNAL_ERROR');
        throw error;
      }
    },
  );
}
