// GET /health: 200 when PostgreSQL and RabbitMQ both answer, 503 naming the one that does not.
import { Router } from 'express';
import { sendData } from '@hookway/http';

export interface HealthChecks {
  /** Resolves when PostgreSQL answers; rejects otherwise. */
  pingDatabase(): Promise<void>;
  isBrokerConnected(): boolean;
}

type CheckStatus = { status: 'up' | 'down' };

const DATABASE_CHECK_TIMEOUT_MS = 1_000;

async function within(work: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(checks: HealthChecks): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const postgres: CheckStatus = { status: (await within(checks.pingDatabase(), DATABASE_CHECK_TIMEOUT_MS)) ? 'up' : 'down' };
    const rabbitmq: CheckStatus = { status: checks.isBrokerConnected() ? 'up' : 'down' };
    const healthy = postgres.status === 'up' && rabbitmq.status === 'up';
    sendData(res, healthy ? 200 : 503, { status: healthy ? 'ok' : 'degraded', checks: { postgres, rabbitmq } });
  });
  return router;
}
