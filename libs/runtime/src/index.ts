// How every service runs as a process: load and validate config (a bad one exits 1 with the reason),
// start, and on SIGTERM/SIGINT stop in reverse order and exit 0.
import { ConfigError, loadConfig, type Config } from '@hookway/config';
import { createLogger, errorFields, type Logger } from '@hookway/logger';

export { createMetricsRegistry, startOpsServer, type OpsServer, type ReadinessCheck } from './ops.js';
export { connectInfrastructure, type Infrastructure } from './infrastructure.js';

export interface RunningService {
  stop(): Promise<void>;
}

export type StartService = (config: Config, logger: Logger) => Promise<RunningService>;

export async function runMain(service: string, start: StartService): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${service}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ service, level: config.logLevel });
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
