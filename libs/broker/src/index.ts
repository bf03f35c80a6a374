export { AUDIT_BATCH_MAX_BYTES, AUDIT_BATCH_MAX_FACTS, Broker, BrokerUnavailableError, type AuditPublishOptions, type BrokerOptions, type ConsumeHandler, type ConsumeOutcome, type PublishOptions } from './broker.js';
export { buildTopology, declareTopology, deleteTopology, delayLabel, PACING_DELAYS_MS, type Topology, type RetryTier } from './topology.js';
export type { ConsumeMessage, Channel } from 'amqplib';
