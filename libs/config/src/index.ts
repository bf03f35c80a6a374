export { loadConfig, ConfigError, DEFAULT_RETRY_SCHEDULE, type Config, type NodeEnv } from './config.js';
export { parseDuration, parseDurationList } from './duration.js';
