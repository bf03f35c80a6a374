// One typed configuration for every service, read from the environment and validated at boot.
// Secrets have development defaults only outside production; in production a missing one stops the process.
import { Ajv, type JSONSchemaType } from 'ajv';
import { parseDuration, parseDurationList } from './duration.js';

export type NodeEnv = 'development' | 'test' | 'production';

export interface Config {
  nodeEnv: NodeEnv;
  logLevel: string;
  ingressPort: number;
  managementPort: number;
  /** Port of /metrics, /health and /ready (every service, workers included). */
  opsPort: number;
  databaseUrl: string;
  rabbitmqUrl: string;
  brokerPrefix: string;
  acmeWebhookSecret: string;
  globexWebhookToken: string;
  managementApiKey: string;
  managementJwtSecret: string;
  secretEncryptionKey: string;
  /** Keys that only open (a rotation in progress): sealed values under them keep working until resealed. */
  secretEncryptionKeyPrevious: string[];
  retryScheduleMs: number[];
  outboundAllowCidrs: string[];
  maxBodyBytes: number;
  /** Body bytes of the webhooks ingress handles at once; more wait for a 503 and the provider's retry. */
  ingressMaxInflightBytes: number;
  deliveryTimeoutMs: number;
  dispatcherPrefetch: number;
  outboxRelayIntervalMs: number;
  circuitBreakerThreshold: number;
  rotationGraceMs: number;
  /** How often the SSE stream sends a comment line, so proxies keep it open and clients notice a dead server. */
  streamHeartbeatMs: number;
  /** Most missed job updates GET /stream replays to a client that resumes with Last-Event-ID. */
  streamResumeWindow: number;
  /** How often GET /stream reads the audit log for new job facts while a client is connected. */
  streamPollIntervalMs: number;
  /** The reconnection delay GET /stream tells EventSource (`retry:`), and the Retry-After of its 503. */
  streamRetryMs: number;
  sinkBaseUrl: string;
  /** A job open this long past its due time with nothing recorded is taken to have lost its message. */
  jobLeaseMs: number;
  /** How often the dispatcher's sweeper looks for such jobs. */
  sweepIntervalMs: number;
  // Inbound sources (issue 17).
  /** How often each ingress replica reloads every source even without a change notification (the bound on a missed one). */
  sourceRefreshIntervalMs: number;
  /** Ingress replicas a source's rate limit is divided among (each replica keeps its own token bucket). */
  ingressReplicas: number;
}

export const DEFAULT_RETRY_SCHEDULE = '5s,30s,2m,10m,30m,1h,2h,4h,8h,12h';

const DEVELOPMENT_SECRETS = {
  ACME_WEBHOOK_SECRET: 'dev-acme-secret',
  GLOBEX_WEBHOOK_TOKEN: 'dev-globex-token',
  MANAGEMENT_API_KEY: 'dev-management-key',
  MANAGEMENT_JWT_SECRET: 'dev-management-jwt-secret-change-me',
  SECRET_ENCRYPTION_KEY: 'dev-secret-encryption-key-change-me',
} as const;

const schema: JSONSchemaType<Config> = {
  type: 'object',
  additionalProperties: false,
  required: [
    'nodeEnv', 'logLevel', 'ingressPort', 'managementPort', 'opsPort', 'databaseUrl', 'rabbitmqUrl', 'brokerPrefix',
    'acmeWebhookSecret', 'globexWebhookToken', 'managementApiKey', 'managementJwtSecret', 'secretEncryptionKey',
    'secretEncryptionKeyPrevious',
    'retryScheduleMs', 'outboundAllowCidrs', 'maxBodyBytes', 'ingressMaxInflightBytes', 'deliveryTimeoutMs', 'dispatcherPrefetch',
    'outboxRelayIntervalMs', 'circuitBreakerThreshold', 'rotationGraceMs', 'streamHeartbeatMs', 'sinkBaseUrl',
    'jobLeaseMs', 'sweepIntervalMs',
    'sourceRefreshIntervalMs', 'ingressReplicas',
    'streamResumeWindow', 'streamPollIntervalMs', 'streamRetryMs',
  ],
  properties: {
    nodeEnv: { type: 'string', enum: ['development', 'test', 'production'] },
    logLevel: { type: 'string', enum: ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] },
    ingressPort: { type: 'integer', minimum: 0, maximum: 65535 },
    managementPort: { type: 'integer', minimum: 0, maximum: 65535 },
    opsPort: { type: 'integer', minimum: 0, maximum: 65535 },
    databaseUrl: { type: 'string', pattern: '^postgres(ql)?://' },
    rabbitmqUrl: { type: 'string', pattern: '^amqps?://' },
    brokerPrefix: { type: 'string', pattern: '^[a-zA-Z0-9_-]+(\\.[a-zA-Z0-9_-]+)*$' },
    acmeWebhookSecret: { type: 'string', minLength: 8 },
    globexWebhookToken: { type: 'string', minLength: 8 },
    managementApiKey: { type: 'string', minLength: 8 },
    managementJwtSecret: { type: 'string', minLength: 16 },
    secretEncryptionKey: { type: 'string', minLength: 16 },
    secretEncryptionKeyPrevious: { type: 'array', items: { type: 'string', minLength: 16 } },
    retryScheduleMs: { type: 'array', items: { type: 'integer', minimum: 1 }, maxItems: 50 },
    outboundAllowCidrs: { type: 'array', items: { type: 'string' } },
    maxBodyBytes: { type: 'integer', minimum: 1024, maximum: 100 * 1024 * 1024 },
    ingressMaxInflightBytes: { type: 'integer', minimum: 1024 },
    deliveryTimeoutMs: { type: 'integer', minimum: 10, maximum: 300_000 },
    dispatcherPrefetch: { type: 'integer', minimum: 1, maximum: 1000 },
    outboxRelayIntervalMs: { type: 'integer', minimum: 10 },
    circuitBreakerThreshold: { type: 'integer', minimum: 1 },
    rotationGraceMs: { type: 'integer', minimum: 0 },
    streamHeartbeatMs: { type: 'integer', minimum: 10 },
    streamResumeWindow: { type: 'integer', minimum: 0, maximum: 100_000 },
    streamPollIntervalMs: { type: 'integer', minimum: 10, maximum: 60_000 },
    streamRetryMs: { type: 'integer', minimum: 10, maximum: 3_600_000 },
    sinkBaseUrl: { type: 'string', pattern: '^https?://' },
    jobLeaseMs: { type: 'integer', minimum: 10 },
    sweepIntervalMs: { type: 'integer', minimum: 10 },
    sourceRefreshIntervalMs: { type: 'integer', minimum: 100 },
    ingressReplicas: { type: 'integer', minimum: 1, maximum: 1000 },
  },
};

const validate = new Ajv({ allErrors: true }).compile(schema);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads and validates the whole configuration; throws ConfigError naming every problem at once. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const nodeEnv = (env.NODE_ENV ?? 'development') as NodeEnv;
  const production = nodeEnv === 'production';

  const secret = (name: keyof typeof DEVELOPMENT_SECRETS): string => {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (production) problems.push(`${name} is required when NODE_ENV=production`);
    return DEVELOPMENT_SECRETS[name];
  };
  const integer = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value)) problems.push(`${name} must be an integer, got "${raw}"`);
    return value;
  };
  const duration = (name: string, fallback: string): number => {
    try {
      return parseDuration(env[name] || fallback);
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message}`);
      return 0;
    }
  };
  const list = (raw: string | undefined): string[] =>
    (raw ?? '').split(',').map((part) => part.trim()).filter((part) => part.length > 0);

  let retryScheduleMs: number[] = [];
  try {
    retryScheduleMs = parseDurationList(env.RETRY_SCHEDULE ?? DEFAULT_RETRY_SCHEDULE);
  } catch (error) {
    problems.push(`RETRY_SCHEDULE: ${(error as Error).message}`);
  }

  const ingressPort = integer('INGRESS_PORT', 3000);
  const candidate: Config = {
    nodeEnv,
    logLevel: env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'warn' : 'info'),
    ingressPort,
    managementPort: integer('MANAGEMENT_PORT', 3001),
    opsPort: integer('OPS_PORT', 9464),
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/hookway',
    rabbitmqUrl: env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    brokerPrefix: env.BROKER_PREFIX ?? 'hookway',
    acmeWebhookSecret: secret('ACME_WEBHOOK_SECRET'),
    globexWebhookToken: secret('GLOBEX_WEBHOOK_TOKEN'),
    managementApiKey: secret('MANAGEMENT_API_KEY'),
    managementJwtSecret: secret('MANAGEMENT_JWT_SECRET'),
    secretEncryptionKey: secret('SECRET_ENCRYPTION_KEY'),
    secretEncryptionKeyPrevious: list(env.SECRET_ENCRYPTION_KEY_PREVIOUS),
    retryScheduleMs,
    outboundAllowCidrs: env.OUTBOUND_ALLOW_CIDRS !== undefined
      ? list(env.OUTBOUND_ALLOW_CIDRS)
      : production ? [] : ['127.0.0.0/8', '::1/128'],
    maxBodyBytes: integer('MAX_BODY_BYTES', 262_144),
    ingressMaxInflightBytes: integer('INGRESS_MAX_INFLIGHT_BYTES', 4 * 1024 * 1024),
    deliveryTimeoutMs: duration('DELIVERY_TIMEOUT', '15s'),
    dispatcherPrefetch: integer('DISPATCHER_PREFETCH', 128),
    outboxRelayIntervalMs: duration('OUTBOX_RELAY_INTERVAL', '1s'),
    circuitBreakerThreshold: integer('CIRCUIT_BREAKER_THRESHOLD', 20),
    rotationGraceMs: duration('SECRET_ROTATION_GRACE', '24h'),
    streamHeartbeatMs: duration('STREAM_HEARTBEAT', '15s'),
    streamResumeWindow: integer('STREAM_RESUME_WINDOW', 1000),
    streamPollIntervalMs: duration('STREAM_POLL_INTERVAL', '250ms'),
    streamRetryMs: duration('STREAM_RETRY', '3s'),
    sinkBaseUrl: env.SINK_BASE_URL ?? `http://127.0.0.1:${ingressPort}`,
    jobLeaseMs: duration('JOB_LEASE', '5m'),
    sweepIntervalMs: duration('SWEEP_INTERVAL', '30s'),
    sourceRefreshIntervalMs: duration('SOURCE_REFRESH_INTERVAL', '30s'),
    ingressReplicas: integer('INGRESS_REPLICAS', 1),
  };
  // A delivery still waiting for its answer must never look abandoned.
  if (candidate.jobLeaseMs <= candidate.deliveryTimeoutMs) {
    problems.push(`JOB_LEASE (${candidate.jobLeaseMs} ms) must be longer than DELIVERY_TIMEOUT (${candidate.deliveryTimeoutMs} ms)`);
  }

  if (!validate(candidate)) {
    for (const error of validate.errors ?? []) {
      problems.push(`${error.instancePath.slice(1) || 'config'} ${error.message ?? 'is invalid'}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return candidate;
}
