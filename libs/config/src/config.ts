// Reads a service's configuration from the environment, as CONFIG_TABLE describes it, and validates it at boot.
// Each service reads only its own variables, so a pod needs only its own secrets; in production a missing one
// stops the process.
import { Ajv, type SchemaObject, type ValidateFunction } from 'ajv';
import {
  CONFIG_KEYS, CONFIG_TABLE, configKeysOf, entryOf,
  type Config, type ConfigDefault, type ConfigEntry, type ConfigKey, type ServiceConfig, type ServiceName,
} from './config-table.js';
import { parseDuration, parseDurationList } from './duration.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Kinds whose empty text means "unset": an empty port or duration is a slip, an empty list is a value. */
const EMPTY_IS_UNSET: ReadonlySet<ConfigEntry['kind']> = new Set(['integer', 'duration', 'secret']);

const KEY_OF_ENV = new Map(CONFIG_KEYS.map((key) => [entryOf(key).env, key]));

/** The default text under this NODE_ENV; null when the variable is required there (with the text used meanwhile). */
function defaultText(fallback: ConfigDefault, nodeEnv: string): { text: string; required: boolean } {
  if (typeof fallback === 'string') return { text: fallback, required: false };
  const own = nodeEnv === 'development' || nodeEnv === 'test' || nodeEnv === 'production' ? fallback[nodeEnv] : undefined;
  if (own === null) return { text: fallback.otherwise, required: true };
  return { text: own ?? fallback.otherwise, required: false };
}

function list(text: string): string[] {
  return text.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
}

function parse(entry: ConfigEntry, text: string, problems: string[]): Config[ConfigKey] {
  switch (entry.kind) {
    case 'integer': {
      const value = Number(text);
      if (!Number.isInteger(value)) problems.push(`${entry.env} must be an integer, got "${text}"`);
      return value;
    }
    case 'duration':
      try {
        return parseDuration(text);
      } catch (error) {
        problems.push(`${entry.env}: ${(error as Error).message}`);
        return 0;
      }
    case 'durationList':
      try {
        return parseDurationList(text);
      } catch (error) {
        problems.push(`${entry.env}: ${(error as Error).message}`);
        return [];
      }
    case 'list':
      return list(text);
    case 'string':
    case 'secret':
    case 'enum':
      return text;
  }
}

function schemaOf(entry: ConfigEntry): SchemaObject {
  switch (entry.kind) {
    case 'string':
      return { type: 'string', ...(entry.pattern === undefined ? {} : { pattern: entry.pattern }) };
    case 'secret':
      return { type: 'string', minLength: entry.minLength };
    case 'enum':
      return { type: 'string', enum: entry.values };
    case 'integer':
    case 'duration':
      return { type: 'integer', ...bounds(entry) };
    case 'durationList':
      return { type: 'array', items: { type: 'integer', ...bounds(entry.items ?? {}) }, ...(entry.maxItems === undefined ? {} : { maxItems: entry.maxItems }) };
    case 'list':
      return { type: 'array', items: { type: 'string', ...(entry.items?.minLength === undefined ? {} : { minLength: entry.items.minLength }) } };
  }
}

function bounds(entry: { minimum?: number; maximum?: number }): SchemaObject {
  return {
    ...(entry.minimum === undefined ? {} : { minimum: entry.minimum }),
    ...(entry.maximum === undefined ? {} : { maximum: entry.maximum }),
  };
}

const ajv = new Ajv({ allErrors: true });
const validators = new Map<ServiceName | 'all', ValidateFunction<Partial<Config>>>();

function validatorFor(service: ServiceName | 'all', keys: readonly ConfigKey[]): ValidateFunction<Partial<Config>> {
  let validate = validators.get(service);
  if (!validate) {
    validate = ajv.compile<Partial<Config>>({
      type: 'object',
      additionalProperties: false,
      required: keys,
      properties: Object.fromEntries(keys.map((key) => [key, schemaOf(entryOf(key))])),
    });
    validators.set(service, validate);
  }
  return validate;
}

/**
 * Reads and validates the configuration, throwing ConfigError that names every problem at once: the whole
 * configuration, or with a service only the variables that service reads.
 */
export function loadConfig(env?: Env): Config;
export function loadConfig<S extends ServiceName>(env: Env, service: S): ServiceConfig<S>;
export function loadConfig(env: Env = process.env, service?: ServiceName): Partial<Config> {
  const keys: readonly ConfigKey[] = service === undefined ? CONFIG_KEYS : configKeysOf(service);
  const problems: string[] = [];
  const nodeEnv = env[CONFIG_TABLE.nodeEnv.env] ?? CONFIG_TABLE.nodeEnv.default;

  // Read on demand and once, so a default may name another variable (SINK_BASE_URL's INGRESS_PORT) in any order.
  const values = new Map<ConfigKey, Config[ConfigKey]>();
  const read = (key: ConfigKey): Config[ConfigKey] => {
    const known = values.get(key);
    if (known !== undefined) return known;
    const entry = entryOf(key);
    let text = env[entry.env];
    if (text === undefined || (text === '' && EMPTY_IS_UNSET.has(entry.kind))) {
      const fallback = defaultText(entry.default, nodeEnv);
      if (fallback.required) problems.push(`${entry.env} is required when NODE_ENV=${nodeEnv}`);
      text = fallback.text.replace(/\$\{(\w+)\}/g, (_match, name: string) => String(read(KEY_OF_ENV.get(name) as ConfigKey)));
    }
    const value = parse(entry, text, problems);
    values.set(key, value);
    return value;
  };
  const candidate: Record<string, unknown> = Object.fromEntries(keys.map((key) => [key, read(key)]));

  // A delivery still waiting for its answer must never look abandoned.
  const { jobLeaseMs, deliveryTimeoutMs } = candidate;
  if (typeof jobLeaseMs === 'number' && typeof deliveryTimeoutMs === 'number' && jobLeaseMs <= deliveryTimeoutMs) {
    problems.push(`JOB_LEASE (${jobLeaseMs} ms) must be longer than DELIVERY_TIMEOUT (${deliveryTimeoutMs} ms)`);
  }

  const validate = validatorFor(service ?? 'all', keys);
  if (!validate(candidate)) {
    for (const error of validate.errors ?? []) {
      problems.push(`${error.instancePath.slice(1) || 'config'} ${error.message ?? 'is invalid'}`);
    }
    throw new ConfigError(problems);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return candidate;
}
