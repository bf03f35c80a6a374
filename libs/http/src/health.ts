// GET /health for every HTTP service: 200 when each dependency answers within a bound, 503 naming
// the one that does not. `data.checks` has one entry per dependency.
import { checkDependencies, type ReadinessCheck } from '@hookway/runtime';
import { Router } from 'express';
import { sendData } from './envelope.js';

export type DependencyCheck = ReadinessCheck;
export interface CheckResult {
  status: 'up' | 'down';
}

export function healthRoutes(checks: Record<string, DependencyCheck>, timeoutMs = 1_000): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const results = await checkDependencies(checks, timeoutMs);
    const healthy = Object.values(results).every(Boolean);
    sendData(res, healthy ? 200 : 503, {
      status: healthy ? 'ok' : 'degraded',
      checks: Object.fromEntries(Object.entries(results).map(([name, up]): [string, CheckResult] => [name, { status: up ? 'up' : 'down' }])),
    });
  });
  return router;
}
