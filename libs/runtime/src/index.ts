// How every service runs as a process: load and validate config (a bad one exits 1 with the reason),
// start, and on SIGTERM/SIGINT stop in reverse order and exit 0.
import { ConfigError, loadConfig, type Config, type ServiceConfig, type ServiceName } from '@hookway/config';
import { createLogger, errorFields, type Logger } from '@hookway/logger';

export { checkDependencies, createMetricsRegistry, startOpsServer, watchBrokerPublishes, type OpsServer, type ReadinessCheck } from './ops.js';
export { connectInfrastructure, type Infrastructure } from './infrastructure.js';
export { Resources, startWith, type Stop } from './resources.js';

export interface RunningService {
  stop(): Promise<void>;
}

/** A service's start, given only the configuration that service reads. */
export type StartService<S extends ServiceName> = (config: ServiceConfig<S>, logger: Logger) => Promise<RunningService>;

export async function runMain<S extends ServiceName>(service: S, start: StartService<S>): Promise<void> {
  let config: ServiceConfig<S>;
  try {
    config = loadConfig(process.env, service);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${service}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // Every service reads LOG_LEVEL (the config table says so, and its tests check it); the type cannot follow a generic S there.
  const { logLevel = 'info' }: Partial<Config> = config;
  const logger = createLogger({ service, level: logLevel });
  let running: RunningService;
  try {
    running = await start(config, logger);
  } catch (error) {
    logger.error('failed to start', errorFields(error));
    process.exit(1);
  }
  logger.info('started', { pid: process.pid });
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    running
      .stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error('unclean stop', errorFields(error));
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** True when this module is the process entry point (`node main.js`, `tsx main.ts`). */
export function isEntryPoint(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  const modulePath = new URL(moduleUrl).pathname;
  return modulePath === entry || modulePath.replace(/\.(ts|js)$/, '') === entry.replace(/\.(ts|js)$/, '');
}
export {
  checkSealingKeys, countUnopenableIntegrations, resealAll, SEALED_LOCATIONS, secretBoxFor, watchUnopenable,
  type ResealCounts, type SealedLocation, type UnopenableCensus,
} from './sealed-secrets.js';
export { repeatEvery, type Periodic } from './periodic.js';
