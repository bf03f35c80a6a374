// The shapes the management API answers with, as openapi/management.yaml defines them (generated types:
// pnpm run openapi:types), so the console and the API cannot drift apart.
import type { components } from '../../src/entry-points/http/openapi-types.js';

type Schemas = components['schemas'];

export type Integration = Schemas['Integration'] & { secret?: string };
export type IntegrationStats = Schemas['IntegrationStats'];
export type HookwayEvent = Schemas['Event'];
export type DeliveryJob = Schemas['DeliveryJob'];
export type DeliveryAttempt = Schemas['DeliveryAttempt'];
export type EventDetail = Schemas['EventDetail'];
export type DeadLetter = Schemas['DeadLetter'];
export type BulkReplay = Schemas['BulkReplay'];
export type AuditEntry = Schemas['AuditEntry'];
export type ChainVerdict = Schemas['ChainVerdict'];
export type Overview = Schemas['Overview'];
export type EventTypeSeen = Schemas['EventTypeSeen'];

/** One job update of GET /stream (an SSE `data:` line; the stream is not described by the JSON schemas). */
export interface JobUpdate {
  type: string;
  id: string;
  jobId: string;
  eventId: string | null;
  integrationId: string | null;
  attempt: number | null;
  statusCode: number | null;
  latencyMs: number | null;
  errorCode: string | null;
  occurredAt: string;
}
