import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig, parseDuration, parseDurationList } from '../src/index.js';

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
    // The window the dispatcher batches over: at 32 a 500 events/s bench backed up to seconds (README, Benchmarks).
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
