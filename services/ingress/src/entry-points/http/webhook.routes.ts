// POST /webhooks/:provider. The provider is resolved before a byte of the body is read, and the body
// is read raw so the provider can verify the exact bytes before anything trusts them.
import express, { type Router, type RequestHandler } from 'express';
import { AppError, sendData } from '@hookway/http';
import { UnknownSourceError } from '../../domain/intake-errors.js';
import type { SourceRateLimiter } from '../../domain/providers/provider.js';
import type { WebhookIntake } from '../../domain/webhook-intake.js';
import { toHttpError } from './errors.js';
import type { InflightBudget } from './inflight-budget.js';

/** What a paused source tells senders to wait before their retry. */
const PAUSED_RETRY_AFTER_SECONDS = 60;

/** A 429 with retry-after and the IETF RateLimit / RateLimit-Policy fields (draft-ietf-httpapi-ratelimit-headers), or undefined when admitted. */
function rateLimited(source: string, limiter: SourceRateLimiter): AppError | undefined {
  const decision = limiter.take();
  if (decision.allowed) return undefined;
  const quota = Math.max(1, Math.floor(limiter.perSecond));
  return new AppError(429, 'RATE_LIMITED', `source "${source}" is receiving more than its limit of webhooks; retry later`, {
    headers: {
      'retry-after': String(decision.retryAfterSeconds),
      'ratelimit-policy': `"source";q=${quota};w=1;burst=${limiter.burst}`,
      ratelimit: `"source";r=${decision.remaining};t=${decision.retryAfterSeconds}`,
    },
  });
}

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
  // Unknown, paused or over its limit: answered before the body is read, and nothing is stored.
  const knownProvider: RequestHandler<{ provider: string }> = (req, _res, next) => {
    const source = intake.sourceOf(req.params.provider);
    if (!source) {
      next(toHttpError(new UnknownSourceError(req.params.provider)));
    } else if (source.state === 'paused') {
      count(source.name, 'SOURCE_PAUSED');
      next(new AppError(503, 'SOURCE_PAUSED', `source "${source.name}" is paused; retry later`, { headers: { 'retry-after': String(PAUSED_RETRY_AFTER_SECONDS) } }));
    } else if (source.rateLimiter) {
      const limited = rateLimited(source.name, source.rateLimiter);
      if (limited) count(source.name, 'RATE_LIMITED');
      next(limited);
    } else {
      next();
    }
  };

  app.post(
    `${basePath}/webhooks/:provider`,
    knownProvider,
    budget.admit<{ provider: string }>(({ provider }) => count(provider, 'UNAVAILABLE')),
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
        const answer = toHttpError(error);
        count(req.params.provider, answer instanceof AppError ? answer.code : 'INTERNAL_ERROR');
        throw answer;
      }
    },
  );
}
