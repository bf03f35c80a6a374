// Vocabulary shared by every service: states and outcomes that travel in rows and messages.

export const EVENT_STATUSES = ['pending', 'processing', 'processed', 'retrying', 'failed'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export const JOB_STATUSES = ['pending', 'delivering', 'retrying', 'succeeded', 'failed', 'dead', 'parked', 'waiting'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
/** Job states no delivery message can leave. */
export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'dead'];

/** 'subject': an integration's events of one subject go one at a time, in ingress order; null: no order. */
export type IntegrationOrdering = 'subject' | null;
/** What a dead job of an ordered integration does to its subject: let the next event go, or hold it. */
export const ORDERING_ON_DEAD = ['skip', 'block'] as const;
export type OrderingOnDead = (typeof ORDERING_ON_DEAD)[number];

export const INTEGRATION_STATES = ['active', 'paused', 'disabled'] as const;
export type IntegrationState = (typeof INTEGRATION_STATES)[number];

export const PROVIDERS = ['acme', 'globex'] as const;
