export { loadConfig, ConfigError } from './config.js';
export {
  CONFIG_KEYS, CONFIG_TABLE, DEFAULT_RETRY_SCHEDULE, SERVICE_NAMES, configKeysOf, entryOf, secretEnvNames,
  type Config, type ConfigDefault, type ConfigEntry, type ConfigKey, type NodeEnv, type ServiceConfig, type ServiceKey, type ServiceName,
} from './config-table.js';
export { renderConfigurationDoc } from './configuration-doc.js';
export { parseDuration, parseDurationList } from './duration.js';
