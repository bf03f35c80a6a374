// Structured JSON logging (winston). Child loggers carry the service name and a correlation id,
// so one webhook can be followed from ingress through the dispatcher to the audit log.
import winston from 'winston';

export interface Logger {
  error(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
  child(meta: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Extra transports (tests capture output with a stream transport). */
  transports?: winston.transport[];
}

export function createLogger({ service, level = 'info', transports }: LoggerOptions): Logger {
  return winston.createLogger({
    level,
    defaultMeta: { service },
    format: winston.format.combine(
      winston.format.timestamp(),
      winston.format.errors({ stack: true }),
      winston.format.json(),
    ),
    transports: transports ?? [new winston.transports.Console()],
  });
}

/**
 * Whether `logger` keeps debug lines, so a hot path can skip building one nobody keeps (winston formats
 * a line before it checks the level). winston can say; any other Logger is assumed to keep them.
 */
export function logsDebug(logger: Logger): boolean {
  const isLevelEnabled = (logger as Partial<{ isLevelEnabled(level: string): boolean }>).isLevelEnabled;
  return typeof isLevelEnabled === 'function' ? isLevelEnabled.call(logger, 'debug') : true;
}

/** Turns anything thrown into loggable fields without leaking request bodies. */
export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { error: error.message, errorName: error.name, ...(code === undefined ? {} : { errorCode: code }), stack: error.stack };
  }
  return { error: String(error) };
}
