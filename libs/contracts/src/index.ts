export * from './messages.js';
export type { JSONSchemaType } from 'ajv';
export * from './domain.js';
export { compileValidator, describeErrors, type Validator, ajv } from './validator.js';
export { auditFact, canonicalJson, chainHash, GENESIS_HASH, type ChainedEntry } from './audit.js';
export * from './payload-filter.js';
export * from './sources.js';
export * from './job-lifecycle.js';
export * from './workspaces.js';
