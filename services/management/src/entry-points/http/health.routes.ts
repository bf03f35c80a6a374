// Public readiness: 200 when PostgreSQL and RabbitMQ are reachable, 503 naming what is down.
import { Router } from 'express';
import { pingDatabase, type Knex } from '@hookway/db';
import { sendData } from '@hookway/http';

export type CheckStatus = 'up' | 'down';

export interface HealthDependencies {
  db: Knex;
  brokerConnected: () => boolean;
  /** A health check must answer quickly even when the database hangs. */
  timeoutMs?: number;
}

async function databaseUp(db: Knex, timeoutMs: number): Promise<CheckStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckStatus>((resolve) => {
    timer = setTimeout(() => resolve('down'), timeoutMs);
  });
  try {
    return await Promise.race([pingDatabase(db).then((): CheckStatus => 'up', (): CheckStatus => 'down'), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes({ db, brokerConnected, timeoutMs = 2_000 }: HealthDependencies): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const checks: Record<'postgres' | 'rabbitmq', CheckStatus> = {
      postgres: await databaseUp(db, timeoutMs),
      rabbitmq: brokerConnected() ? 'up' : 'down',
    };
    const healthy = Object.values(checks).every((check) => check === 'up');
    sendData(res, healthy ? 200 : 503, { status: healthy ? 'ok' : 'degraded', checks });
  });
  return router;
}
