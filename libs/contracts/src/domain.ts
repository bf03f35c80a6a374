// Vocabulary shared by every service: states and outcomes that travel in rows and messages.

export const EVENT_STATUSES = ['pending', 'processing', 'processed', 'retrying', 'failed'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export const JOB_STATUSES = ['pending', 'delivering', 'retrying', 'succeeded', 'failed', 'dead', 'parked'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
/** Job states no delivery message can leave. */
export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'dead'];

export const INTEGRATION_STATES = ['active', 'paused', 'disabled'] as const;
export type IntegrationState = (typeof INTEGRATION_STATES)[number];

export const PROVIDERS = ['acme', 'globex'] as const;
