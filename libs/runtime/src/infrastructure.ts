// What every service connects to at start: the PostgreSQL pool and the broker (topology declared,
// reconnecting by itself), plus the readiness checks over both. If the broker cannot be reached at
// start-up the pool is closed again, so a failed start leaves nothing open.
import { Broker } from '@hookway/broker';
import type { Config } from '@hookway/config';
import { createDatabase, migrationsCurrent, pingDatabase, type Knex } from '@hookway/db';
import type { Logger } from '@hookway/logger';
import type { ReadinessCheck } from './ops.js';
import type { Resources } from './resources.js';

export interface Infrastructure {
  db: Knex;
  broker: Broker;
  /** PostgreSQL answers, RabbitMQ is connected (so the topology is declared), migrations are current. */
  readiness: Record<string, ReadinessCheck>;
  close(): Promise<void>;
}

export async function connectInfrastructure(
  config: Pick<Config, 'databaseUrl' | 'rabbitmqUrl' | 'brokerPrefix' | 'retryScheduleMs'>,
  logger: Logger,
  service: string,
  options: {
    poolMax?: number;
    /** Given, the pool and broker are closed in their place in its stop order. */
    resources?: Resources;
    /** See BrokerOptions.auditLingerMs (services whose audit facts are off their callers' path). */
    auditLingerMs?: number;
  } = {},
): Promise<Infrastructure> {
  const db = createDatabase({
    url: config.databaseUrl,
    applicationName: `hookway-${service}`,
    logger,
    ...(options.poolMax === undefined ? {} : { poolMax: options.poolMax }),
  });
  let broker: Broker;
  try {
    broker = await Broker.connect({
      url: config.rabbitmqUrl, prefix: config.brokerPrefix, retryScheduleMs: config.retryScheduleMs, logger, auditLingerMs: options.auditLingerMs,
    });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  let migrated = false;
  const infrastructure: Infrastructure = {
    db,
    broker,
    readiness: {
      postgres: () => pingDatabase(db),
      rabbitmq: () => broker.isConnected(),
      // Once current, a running process's schema stays current: no need to ask again.
      migrations: async () => (migrated ||= await migrationsCurrent(db)),
    },
    close: async () => {
      await broker.close();
      await db.destroy();
    },
  };
  options.resources?.add('broker and database pool', () => infrastructure.close());
  return infrastructure;
}
