import { describe, expect, it } from '@jest/globals';
import { CONFIG_KEYS, CONFIG_TABLE, configKeysOf, entryOf, loadConfig, SERVICE_NAMES, secretEnvNames } from '../src/index.js';

describe('the config table', () => {
  it('names each environment variable once', () => {
    const names = CONFIG_KEYS.map((key) => entryOf(key).env);
    expect(new Set(names).size).toBe(names.length);
  });

  it('lets every service read NODE_ENV and DATABASE_URL, and every long-running one LOG_LEVEL and OPS_PORT', () => {
    for (const service of SERVICE_NAMES) expect([service, configKeysOf(service)]).toEqual([service, expect.arrayContaining(['nodeEnv', 'databaseUrl'])]);
    for (const service of ['ingress', 'management', 'dispatcher', 'audit'] as const) {
      expect([service, configKeysOf(service)]).toEqual([service, expect.arrayContaining(['logLevel', 'opsPort', 'rabbitmqUrl', 'retryScheduleMs'])]);
    }
  });

  it('has every variable a default names read wherever the variable with that default is read', () => {
    for (const key of CONFIG_KEYS) {
      const entry = entryOf(key);
      const texts = typeof entry.default === 'string' ? [entry.default] : Object.values(entry.default);
      for (const name of texts.flatMap((text) => [...(text ?? '').matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]))) {
        const referenced = CONFIG_KEYS.find((candidate) => entryOf(candidate).env === name);
        expect([entry.env, name, referenced]).toEqual([entry.env, name, expect.any(String)]);
        for (const service of entry.services) expect([entry.env, service, configKeysOf(service)]).toEqual([entry.env, service, expect.arrayContaining([referenced])]);
      }
    }
  });

  it('keeps the management secrets away from the ingress, and every secret away from the audit service but its URLs', () => {
    expect(secretEnvNames('ingress')).not.toEqual(expect.arrayContaining(['MANAGEMENT_API_KEY']));
    expect(secretEnvNames('ingress')).not.toEqual(expect.arrayContaining(['MANAGEMENT_JWT_SECRET']));
    expect(secretEnvNames('audit')).toEqual(['DATABASE_URL', 'RABBITMQ_URL']);
    expect(secretEnvNames('migrate')).toEqual(['DATABASE_URL']);
  });

  it('requires in production exactly the secrets that have a development default only', () => {
    const required = CONFIG_KEYS.filter((key) => {
      const fallback = entryOf(key).default;
      return typeof fallback !== 'string' && fallback.production === null;
    }).map((key) => entryOf(key).env);
    expect(required).toEqual(['ACME_WEBHOOK_SECRET', 'GLOBEX_WEBHOOK_TOKEN', 'MANAGEMENT_API_KEY', 'MANAGEMENT_JWT_SECRET', 'SECRET_ENCRYPTION_KEY']);
    for (const name of required) expect(CONFIG_KEYS.map(entryOf).find((entry) => entry.env === name)?.kind).toBe('secret');
  });

  it('loads, for each service, a config that has exactly its keys', () => {
    for (const service of SERVICE_NAMES) {
      expect([service, Object.keys(loadConfig({}, service)).sort()]).toEqual([service, [...configKeysOf(service)].sort()]);
    }
    expect(Object.keys(loadConfig({}))).toEqual(Object.keys(CONFIG_TABLE));
  });
});
