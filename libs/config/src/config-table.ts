// Every configuration variable, once: its property, environment name, kind, default, constraints, meaning and
// the services that read it. The Config type, the loader, the docs table and the Kubernetes secret references follow from it.

export type NodeEnv = 'development' | 'test' | 'production';

/** What reads configuration: the four services and the one-off commands (migrate and reseal in the image, the seed script). */
export const SERVICE_NAMES = ['ingress', 'management', 'dispatcher', 'audit', 'migrate', 'reseal', 'seed'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * The environment text used when a variable is unset: one for every NODE_ENV, or one per NODE_ENV where they
 * differ (`otherwise` for the rest; `null`: no default there, the variable is required). `${NAME}` stands for the
 * value of the variable NAME.
 */
export type ConfigDefault = string | ({ readonly [env in NodeEnv]?: string | null } & { readonly otherwise: string });

interface EntryBase {
  readonly env: string;
  /** One line for docs/configuration.md. */
  readonly description: string;
  readonly default: ConfigDefault;
  readonly services: readonly ServiceName[];
  /** Holds credentials: kept in the `hookway-secrets` Secret, never in a ConfigMap, given only to the workloads that read it. */
  readonly secret?: boolean;
}

interface Bounds {
  readonly minimum?: number;
  readonly maximum?: number;
}

/**
 * How the text is read. `secret` is a string for which, as for `integer` and `duration`, an empty text counts as
 * unset; for the others an empty text is a value (an empty list, or a string the constraints judge).
 */
export type ConfigEntry =
  | (EntryBase & { readonly kind: 'string'; readonly pattern?: string })
  | (EntryBase & { readonly kind: 'secret'; readonly minLength: number; readonly secret: true })
  | (EntryBase & { readonly kind: 'enum'; readonly values: readonly string[] })
  | (EntryBase & Bounds & { readonly kind: 'integer' })
  /** Text like `15s`; the value and its bounds are in milliseconds. */
  | (EntryBase & Bounds & { readonly kind: 'duration' })
  /** Comma-separated durations, in milliseconds. */
  | (EntryBase & { readonly kind: 'durationList'; readonly maxItems?: number; readonly items?: Bounds })
  /** Comma-separated texts (spaces around them and empty ones dropped). */
  | (EntryBase & { readonly kind: 'list'; readonly items?: { readonly minLength?: number } });

export const DEFAULT_RETRY_SCHEDULE = '5s,30s,2m,10m,30m,1h,2h,4h,8h,12h';

const SERVICES_AND_COMMANDS = SERVICE_NAMES;
const SERVICES = ['ingress', 'management', 'dispatcher', 'audit'] as const;
const SEALING = ['ingress', 'management', 'dispatcher', 'reseal', 'seed'] as const;
const BUILTIN_SOURCES = ['ingress', 'management'] as const;
const OUTBOUND = ['management', 'dispatcher'] as const;
const PORT = { minimum: 0, maximum: 65535 } as const;

export const CONFIG_TABLE = {
  nodeEnv: {
    env: 'NODE_ENV', kind: 'enum', values: ['development', 'test', 'production'], default: 'development', services: SERVICES_AND_COMMANDS,
    description: 'Decides the defaults; under `production` secrets have none and the ingress serves no delivery sink',
  },
  logLevel: {
    env: 'LOG_LEVEL', kind: 'enum', values: ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'],
    default: { test: 'warn', otherwise: 'info' }, services: SERVICES,
    description: 'winston log level',
  },
  ingressPort: {
    env: 'INGRESS_PORT', kind: 'integer', ...PORT, default: '3000', services: ['ingress', 'seed'],
    description: 'HTTP port of the ingress (the seed script derives SINK_BASE_URL from it)',
  },
  managementPort: {
    env: 'MANAGEMENT_PORT', kind: 'integer', ...PORT, default: '3001', services: ['management'],
    description: 'HTTP port of the management API and the operator console',
  },
  opsPort: {
    env: 'OPS_PORT', kind: 'integer', ...PORT, default: '9464', services: SERVICES,
    description: 'Port of `/metrics`, `/health` (liveness) and `/ready` (readiness); the quick start gives the four services 9464-9467',
  },
  databaseUrl: {
    env: 'DATABASE_URL', kind: 'string', pattern: '^postgres(ql)?://', secret: true,
    default: 'postgres://postgres@127.0.0.1:5432/hookway', services: SERVICES_AND_COMMANDS,
    description: 'PostgreSQL connection URL (the migrate command creates the database when it is missing)',
  },
  rabbitmqUrl: {
    env: 'RABBITMQ_URL', kind: 'string', pattern: '^amqps?://', secret: true,
    default: 'amqp://guest:guest@127.0.0.1:5672', services: SERVICES,
    description: 'RabbitMQ connection URL',
  },
  brokerPrefix: {
    env: 'BROKER_PREFIX', kind: 'string', pattern: '^[a-zA-Z0-9_-]+(\\.[a-zA-Z0-9_-]+)*$', default: 'hookway', services: SERVICES,
    description: 'Prefix of every exchange and queue name',
  },
  acmeWebhookSecret: {
    env: 'ACME_WEBHOOK_SECRET', kind: 'secret', minLength: 8, secret: true,
    default: { production: null, otherwise: 'dev-acme-secret' }, services: BUILTIN_SOURCES,
    description: 'HMAC secret of the built-in acme source while its row holds none',
  },
  globexWebhookToken: {
    env: 'GLOBEX_WEBHOOK_TOKEN', kind: 'secret', minLength: 8, secret: true,
    default: { production: null, otherwise: 'dev-globex-token' }, services: BUILTIN_SOURCES,
    description: 'Shared token of the built-in globex source while its row holds none',
  },
  managementApiKey: {
    env: 'MANAGEMENT_API_KEY', kind: 'secret', minLength: 8, secret: true,
    default: { production: null, otherwise: 'dev-management-key' }, services: ['management'],
    description: '`x-internal-api-key` of the management API (and the console sign-in)',
  },
  managementJwtSecret: {
    env: 'MANAGEMENT_JWT_SECRET', kind: 'secret', minLength: 16, secret: true,
    default: { production: null, otherwise: 'dev-management-jwt-secret-change-me' }, services: ['management'],
    description: 'HS256 key of management bearer tokens',
  },
  secretEncryptionKey: {
    env: 'SECRET_ENCRYPTION_KEY', kind: 'secret', minLength: 16, secret: true,
    default: { production: null, otherwise: 'dev-secret-encryption-key-change-me' }, services: SEALING,
    description: 'Seals integration and source signing secrets at rest',
  },
  secretEncryptionKeyPrevious: {
    env: 'SECRET_ENCRYPTION_KEY_PREVIOUS', kind: 'list', items: { minLength: 16 }, secret: true, default: '', services: SEALING,
    description: 'Comma-separated keys that only open sealed values (a rotation in progress) until they are resealed',
  },
  retryScheduleMs: {
    env: 'RETRY_SCHEDULE', kind: 'durationList', items: { minimum: 1 }, maxItems: 50, default: DEFAULT_RETRY_SCHEDULE, services: SERVICES,
    description: 'Delays between delivery attempts (`5s,30s,2m` or `50ms,100ms`); every service declares the retry queues from it',
  },
  outboundAllowCidrs: {
    env: 'OUTBOUND_ALLOW_CIDRS', kind: 'list', default: { production: '', otherwise: '127.0.0.0/8,::1/128' }, services: OUTBOUND,
    description: 'Comma-separated CIDR ranges the SSRF guard lets deliveries, test pings and handshakes reach (other private addresses are refused)',
  },
  maxBodyBytes: {
    env: 'MAX_BODY_BYTES', kind: 'integer', minimum: 1024, maximum: 100 * 1024 * 1024, default: '262144', services: ['ingress'],
    description: 'Largest webhook body the ingress takes (413 above it)',
  },
  ingressMaxInflightBytes: {
    env: 'INGRESS_MAX_INFLIGHT_BYTES', kind: 'integer', minimum: 1024, default: '4194304', services: ['ingress'],
    description: 'Body bytes of the webhooks one ingress replica handles at once; beyond, 503 with `retry-after` (one webhook is always admitted)',
  },
  deliveryTimeoutMs: {
    env: 'DELIVERY_TIMEOUT', kind: 'duration', minimum: 10, maximum: 300_000, default: '15s', services: OUTBOUND,
    description: 'HTTP timeout of one delivery attempt, test ping or handshake',
  },
  dispatcherPrefetch: {
    env: 'DISPATCHER_PREFETCH', kind: 'integer', minimum: 1, maximum: 1000, default: '128', services: ['dispatcher'],
    description: 'Unacked messages per dispatcher consumer, also the largest batch of fan-outs, claims and records',
  },
  dispatcherFirstAttempt: {
    env: 'DISPATCHER_FIRST_ATTEMPT', kind: 'enum', values: ['inline', 'queue'], default: 'inline', services: ['dispatcher'],
    description: 'Where a new job\'s first attempt starts: `inline` in the dispatcher that fanned its event out (half of DISPATCHER_PREFETCH at once, the job consumer prefetches the other half; beyond that as a job message), `queue` always as a job message. Retries and replays always travel as job messages',
  },
  auditPublishLingerMs: {
    env: 'AUDIT_PUBLISH_LINGER_MS', kind: 'integer', minimum: 0, maximum: 1_000, default: '50', services: ['ingress', 'dispatcher'],
    description: 'How long an audit fact of a webhook accepted (ingress) or of a delivery attempt (dispatcher) that finds no other on its way to RabbitMQ waits for company, so a quiet system sends one audit message per window instead of one per fact (`0`: at once). Facts published one after the other (outbox relay passes, sweeps, replays) never wait; neither do deliveries, only the acks of the messages whose attempts published the facts',
  },
  outboxRelayIntervalMs: {
    env: 'OUTBOX_RELAY_INTERVAL', kind: 'duration', minimum: 10, default: '1s', services: ['ingress', 'management'],
    description: 'How often the outbox relays look for rows the broker has not confirmed',
  },
  circuitBreakerThreshold: {
    env: 'CIRCUIT_BREAKER_THRESHOLD', kind: 'integer', minimum: 1, default: '20', services: ['dispatcher'],
    description: 'Jobs dead in a row (all attempts failed) that disable an integration',
  },
  rotationGraceMs: {
    env: 'SECRET_ROTATION_GRACE', kind: 'duration', minimum: 0, default: '24h', services: ['management'],
    description: 'How long a rotated-out signing or source secret keeps working',
  },
  streamHeartbeatMs: {
    env: 'STREAM_HEARTBEAT', kind: 'duration', minimum: 10, default: '15s', services: ['management'],
    description: 'Interval of the comment line `GET /stream` sends, so proxies keep it open and clients notice a dead server',
  },
  streamResumeWindow: {
    env: 'STREAM_RESUME_WINDOW', kind: 'integer', minimum: 0, maximum: 100_000, default: '1000', services: ['management'],
    description: 'Most missed job updates `GET /stream` replays to a client resuming with `Last-Event-ID` (`0`: never replay)',
  },
  streamPollIntervalMs: {
    env: 'STREAM_POLL_INTERVAL', kind: 'duration', minimum: 10, maximum: 60_000, default: '250ms', services: ['management'],
    description: 'How often `GET /stream` reads the audit log for new job facts while a client is connected',
  },
  streamRetryMs: {
    env: 'STREAM_RETRY', kind: 'duration', minimum: 10, maximum: 3_600_000, default: '3s', services: ['management'],
    description: 'Reconnection delay `GET /stream` tells EventSource (`retry:`), also the `retry-after` of its 503',
  },
  sinkBaseUrl: {
    env: 'SINK_BASE_URL', kind: 'string', pattern: '^https?://', default: 'http://127.0.0.1:${INGRESS_PORT}', services: ['seed'],
    description: 'Where the seeded demo integrations deliver (the ingress delivery sink)',
  },
  jobLeaseMs: {
    env: 'JOB_LEASE', kind: 'duration', minimum: 10, default: '5m', services: ['dispatcher'],
    description: 'How long past its due time an open job may go with nothing recorded before the sweeper takes it for stranded (longer than DELIVERY_TIMEOUT)',
  },
  sweepIntervalMs: {
    env: 'SWEEP_INTERVAL', kind: 'duration', minimum: 10, default: '30s', services: ['dispatcher'],
    description: 'How often the dispatcher\'s sweeper looks for stranded jobs',
  },
  sourceRefreshIntervalMs: {
    env: 'SOURCE_REFRESH_INTERVAL', kind: 'duration', minimum: 100, default: '30s', services: ['ingress'],
    description: 'How often each ingress replica reloads every source even without a change notification (the bound on a missed one)',
  },
  ingressReplicas: {
    env: 'INGRESS_REPLICAS', kind: 'integer', minimum: 1, maximum: 1000, default: '1', services: ['ingress'],
    description: 'Ingress replicas a source\'s rate limit is divided among (each replica keeps its own token bucket)',
  },
} as const satisfies Record<string, ConfigEntry>;

type Table = typeof CONFIG_TABLE;
export type ConfigKey = keyof Table;

type ValueOf<E> =
  E extends { kind: 'integer' | 'duration' } ? number
    : E extends { kind: 'durationList' } ? number[]
      : E extends { kind: 'list' } ? string[]
        : E extends { kind: 'enum'; values: readonly (infer V)[] } ? V
          : string;

/** The whole configuration: one property per table entry, typed by its kind. */
export type Config = { -readonly [K in ConfigKey]: ValueOf<Table[K]> };

/** The properties a service (or command) reads. */
export type ServiceKey<S extends ServiceName> = { [K in ConfigKey]: S extends Table[K]['services'][number] ? K : never }[ConfigKey];

/** What `loadConfig(env, service)` gives: only the service's own properties. A full Config is assignable to each. */
export type ServiceConfig<S extends ServiceName> = Pick<Config, ServiceKey<S>>;

export const CONFIG_KEYS = Object.keys(CONFIG_TABLE) as ConfigKey[];

export function entryOf(key: ConfigKey): ConfigEntry {
  return CONFIG_TABLE[key];
}

export function configKeysOf<S extends ServiceName>(service: S): ServiceKey<S>[] {
  return CONFIG_KEYS.filter((key): key is ServiceKey<S> => entryOf(key).services.includes(service));
}

/** The environment names a service reads from the `hookway-secrets` Secret, in table order. */
export function secretEnvNames(service: ServiceName): string[] {
  return configKeysOf(service).map(entryOf).filter((entry) => entry.secret === true).map((entry) => entry.env);
}
