// GET /health for every HTTP service: 200 when each dependency answers within a bound, 503 naming
// the one that does not. `data.checks` has one entry per dependency.
import { Router } from 'express';
import { sendData } from './envelope.js';

export type DependencyCheck = () => Promise<unknown> | boolean;
export interface CheckResult {
  status: 'up' | 'down';
}

async function probe(check: DependencyCheck, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    const answered = Promise.resolve()
      .then(check)
      .then((result) => result !== false, () => false);
    return { status: (await Promise.race([answered, timeout])) ? 'up' : 'down' };
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(checks: Record<string, DependencyCheck>, timeoutMs = 1_000): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const names = Object.keys(checks);
    const results = await Promise.all(names.map((name) => probe(checks[name] as DependencyCheck, timeoutMs)));
    const healthy = results.every((result) => result.status === 'up');
    sendData(res, healthy ? 200 : 503, {
      status: healthy ? 'ok' : 'degraded',
      checks: Object.fromEntries(names.map((name, index) => [name, results[index]])),
    });
  });
  return router;
}
