import { describe, expect, it } from '@jest/globals';
import {
  configKeysOf, ConfigError, DEFAULT_RETRY_SCHEDULE, loadConfig, parseDuration, parseDurationList, type Config,
} from '../src/index.js';

describe('parseDuration', () => {
  it('reads ms, s, m, h and d', () => {
    expect(parseDurationList('50ms,5s,2m,1h,1d')).toEqual([50, 5_000, 120_000, 3_600_000, 86_400_000]);
  });
  it('rejects text that is not a positive duration', () => {
    expect(() => parseDuration('5')).toThrow(/not a duration/);
    expect(() => parseDuration('0s')).toThrow(/positive/);
    expect(() => parseDuration('-1s')).toThrow();
  });
});

describe('loadConfig', () => {
  it('uses DESIGN.md defaults in development', () => {
    const config = loadConfig({});
    expect(config.ingressPort).toBe(3000);
    expect(config.managementPort).toBe(3001);
    expect(config.maxBodyBytes).toBe(262_144);
    expect(config.retryScheduleMs).toHaveLength(10);
    expect(config.retryScheduleMs[0]).toBe(5_000);
    expect(config.retryScheduleMs[9]).toBe(12 * 3_600_000);
    expect(config.outboundAllowCidrs).toEqual(['127.0.0.0/8', '::1/128']);
    // The window the dispatcher batches over (why 128: bench/README.md, History).
    expect(config.dispatcherPrefetch).toBe(128);
  });

  it('in production refuses to start without secrets and names every missing one', () => {
    let error: unknown;
    try {
      loadConfig({ NODE_ENV: 'production' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['ACME_WEBHOOK_SECRET', 'GLOBEX_WEBHOOK_TOKEN', 'MANAGEMENT_API_KEY', 'MANAGEMENT_JWT_SECRET', 'SECRET_ENCRYPTION_KEY']) {
      expect(problems).toContain(name);
    }
  });

  it('in production allows no outbound private addresses unless configured', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      ACME_WEBHOOK_SECRET: 'prod-acme-secret', GLOBEX_WEBHOOK_TOKEN: 'prod-globex-token',
      MANAGEMENT_API_KEY: 'prod-management-key', MANAGEMENT_JWT_SECRET: 'prod-jwt-secret-0123456789',
      SECRET_ENCRYPTION_KEY: 'prod-encryption-key-0123456789',
    });
    expect(config.outboundAllowCidrs).toEqual([]);
  });

  it('reports malformed values instead of starting with them', () => {
    let problems: string[] = [];
    try {
      loadConfig({ INGRESS_PORT: 'eighty', RETRY_SCHEDULE: '5s,soon', DATABASE_URL: 'mysql://x' });
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringContaining('INGRESS_PORT must be an integer'),
      expect.stringContaining('RETRY_SCHEDULE: "soon" is not a duration'),
      expect.stringContaining('databaseUrl must match pattern'),
    ]));
  });
});

describe('loadConfig for one service', () => {
  const INGRESS_SECRETS = {
    NODE_ENV: 'production',
    ACME_WEBHOOK_SECRET: 'prod-acme-secret', GLOBEX_WEBHOOK_TOKEN: 'prod-globex-token',
    SECRET_ENCRYPTION_KEY: 'prod-encryption-key-0123456789',
  };

  it('in production loads the ingress without the management secrets, and gives it only its own keys', () => {
    const config = loadConfig(INGRESS_SECRETS, 'ingress');
    expect(config.acmeWebhookSecret).toBe('prod-acme-secret');
    expect(Object.keys(config).sort()).toEqual([...configKeysOf('ingress')].sort());
    expect(Object.keys(config)).not.toContain('managementJwtSecret');
    // @ts-expect-error the ingress's config has no management secret, in its type as at run time
    expect(config.managementApiKey).toBeUndefined();
  });

  it('in production names a missing secret of the service it loads, and none of the other services', () => {
    let problems: string[] = [];
    try {
      loadConfig({ ...INGRESS_SECRETS, ACME_WEBHOOK_SECRET: undefined }, 'ingress');
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual(['ACME_WEBHOOK_SECRET is required when NODE_ENV=production']);
  });

  it('in production the audit service needs no secret beyond its connection URLs, which have defaults', () => {
    expect(loadConfig({ NODE_ENV: 'production' }, 'audit')).toEqual({
      nodeEnv: 'production', logLevel: 'info', opsPort: 9464,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/hookway', rabbitmqUrl: 'amqp://guest:guest@127.0.0.1:5672',
      brokerPrefix: 'hookway', retryScheduleMs: parseDurationList(DEFAULT_RETRY_SCHEDULE),
    });
  });

  it('ignores a malformed variable the service does not read, and reports one it reads', () => {
    expect(loadConfig({ INGRESS_PORT: 'eighty', STREAM_RETRY: 'soon' }, 'dispatcher').dispatcherPrefetch).toBe(128);
    expect(() => loadConfig({ OPS_PORT: 'eighty' }, 'dispatcher')).toThrow('OPS_PORT must be an integer, got "eighty"');
  });

  it('refuses a JOB_LEASE not longer than DELIVERY_TIMEOUT where both are read (the whole config, the dispatcher)', () => {
    const env = { JOB_LEASE: '10s', DELIVERY_TIMEOUT: '15s' };
    expect(() => loadConfig(env)).toThrow('JOB_LEASE (10000 ms) must be longer than DELIVERY_TIMEOUT (15000 ms)');
    expect(() => loadConfig(env, 'dispatcher')).toThrow('JOB_LEASE (10000 ms) must be longer than DELIVERY_TIMEOUT (15000 ms)');
    expect(loadConfig(env, 'management').deliveryTimeoutMs).toBe(15_000);
  });

  it('derives the seed\'s SINK_BASE_URL from INGRESS_PORT unless it is set', () => {
    expect(loadConfig({ INGRESS_PORT: '4000' }, 'seed').sinkBaseUrl).toBe('http://127.0.0.1:4000');
    expect(loadConfig({ SINK_BASE_URL: 'https://sink.example' }, 'seed').sinkBaseUrl).toBe('https://sink.example');
    expect(loadConfig({}).sinkBaseUrl).toBe('http://127.0.0.1:3000');
  });
});

describe('loadConfig defaults (as before the config table)', () => {
  const DEVELOPMENT: Config = {
    nodeEnv: 'development', logLevel: 'info', ingressPort: 3000, managementPort: 3001, opsPort: 9464,
    databaseUrl: 'postgres://postgres@127.0.0.1:5432/hookway', rabbitmqUrl: 'amqp://guest:guest@127.0.0.1:5672', brokerPrefix: 'hookway',
    acmeWebhookSecret: 'dev-acme-secret', globexWebhookToken: 'dev-globex-token', managementApiKey: 'dev-management-key',
    managementJwtSecret: 'dev-management-jwt-secret-change-me', secretEncryptionKey: 'dev-secret-encryption-key-change-me',
    secretEncryptionKeyPrevious: [], retryScheduleMs: [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000, 43_200_000],
    outboundAllowCidrs: ['127.0.0.0/8', '::1/128'], maxBodyBytes: 262_144, ingressMaxInflightBytes: 4 * 1024 * 1024,
    deliveryTimeoutMs: 15_000, dispatcherPrefetch: 128, dispatcherFirstAttempt: 'inline', auditPublishLingerMs: 50, outboxRelayIntervalMs: 1_000, circuitBreakerThreshold: 20,
    rotationGraceMs: 24 * 3_600_000, streamHeartbeatMs: 15_000, streamResumeWindow: 1000, streamPollIntervalMs: 250, streamRetryMs: 3_000,
    sinkBaseUrl: 'http://127.0.0.1:3000', jobLeaseMs: 300_000, sweepIntervalMs: 30_000, sourceRefreshIntervalMs: 30_000, ingressReplicas: 1,
  };

  it('in development, every value', () => {
    expect(loadConfig({})).toEqual(DEVELOPMENT);
  });

  it('under NODE_ENV=test, only LOG_LEVEL differs', () => {
    expect(loadConfig({ NODE_ENV: 'test' })).toEqual({ ...DEVELOPMENT, nodeEnv: 'test', logLevel: 'warn' });
  });

  it('treats an empty integer, duration or secret as unset, and an empty list or string as a value', () => {
    const config = loadConfig({ INGRESS_PORT: '', DELIVERY_TIMEOUT: '', ACME_WEBHOOK_SECRET: '', OUTBOUND_ALLOW_CIDRS: '', RETRY_SCHEDULE: '' });
    expect([config.ingressPort, config.deliveryTimeoutMs, config.acmeWebhookSecret]).toEqual([3000, 15_000, 'dev-acme-secret']);
    expect([config.outboundAllowCidrs, config.retryScheduleMs]).toEqual([[], []]);
    expect(() => loadConfig({ BROKER_PREFIX: '' })).toThrow('brokerPrefix must match pattern');
  });
});
