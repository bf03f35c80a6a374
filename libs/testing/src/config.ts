// Configuration and loggers for in-process tests.
import { Writable } from 'node:stream';
import winston from 'winston';
import { loadConfig, type Config } from '@hookway/config';
import { createLogger, type Logger } from '@hookway/logger';

/** The retry schedule testConfig uses unless a test overrides RETRY_SCHEDULE. */
export const TEST_RETRY_SCHEDULE_MS = [50, 100];

/** A test configuration: development secrets, millisecond retries, the given database and prefix. */
export function testConfig(overrides: { databaseUrl: string; brokerPrefix: string; env?: Record<string, string> }): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    DATABASE_URL: overrides.databaseUrl,
    BROKER_PREFIX: overrides.brokerPrefix,
    RABBITMQ_URL: process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    RETRY_SCHEDULE: TEST_RETRY_SCHEDULE_MS.map((ms) => `${ms}ms`).join(','),
    OUTBOX_RELAY_INTERVAL: '200ms',
    DELIVERY_TIMEOUT: '2s',
    INGRESS_PORT: '0',
    MANAGEMENT_PORT: '0',
    OPS_PORT: '0',
    ...overrides.env,
  });
}

export function silentLogger(service = 'test'): Logger {
  return createLogger({ service, level: process.env.TEST_LOG_LEVEL ?? 'error' });
}

/** A logger whose JSON lines are kept in memory (tests assert that secrets never appear in them). */
export function captureLogger(service = 'test', level = 'debug'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger({ service, level, transports: [new winston.transports.Stream({ stream })] }), lines };
}
