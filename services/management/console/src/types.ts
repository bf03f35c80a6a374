// The shapes the management API answers with (openapi/management.yaml), as the console reads them.
export interface Integration {
  id: string;
  name: string;
  provider: string;
  url: string;
  eventTypes: string[];
  headers: Record<string, string>;
  description: string | null;
  /** 'subject': one delivery at a time per subject, in ingress order; null: no order. */
  ordering: 'subject' | null;
  /** What a dead event does to its subject while ordered: the next one goes (skip) or the subject waits (block). */
  orderingOnDead: 'skip' | 'block';
  state: 'active' | 'paused' | 'disabled';
  consecutiveFailures: number;
  disabledReason?: string | null;
  verifiedAt?: string | null;
  createdAt: string;
  updatedAt: string;
  secret?: string;
}

export interface IntegrationStats {
  totalAttempts: number;
  successfulAttempts: number;
  failedAttempts: number;
  successRate: number | null;
  averageLatencyMs: number | null;
  p95LatencyMs: number | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  pendingJobs: number;
  deadJobs: number;
}

export interface HookwayEvent {
  id: string;
  provider: string;
  externalId: string;
  type: string;
  occurredAt: string;
  subject: string | null;
  data: unknown;
  status: string;
  receivedAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface DeliveryJob {
  id: string;
  eventId: string;
  integrationId: string;
  replayRequestId: string | null;
  status: string;
  attemptCount: number;
  maxAttempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  lastStatusCode: number | null;
  createdAt: string;
  completedAt: string | null;
}

export interface DeliveryAttempt {
  id: string;
  jobId: string;
  eventId: string;
  integrationId: string;
  attemptNumber: number;
  status: 'success' | 'failed';
  statusCode: number | null;
  latencyMs: number;
  requestUrl: string;
  requestHeaders: Record<string, unknown>;
  responseHeaders: Record<string, unknown> | null;
  responseBody: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: string;
}

export interface EventDetail extends HookwayEvent {
  snapshot: { headers: Record<string, unknown>; body: string };
  jobs: DeliveryJob[];
  attempts: DeliveryAttempt[];
}

export interface DeadLetter {
  jobId: string;
  eventId: string;
  integrationId: string;
  provider: string;
  eventType: string;
  attemptCount: number;
  lastError: string | null;
  lastStatusCode: number | null;
  deadAt: string | null;
}

export interface BulkReplay {
  id: string;
  status: string;
  matched: number | null;
  requeued: number;
  error: string | null;
}

export interface AuditEntry {
  id: number;
  factId: string;
  entityType: string;
  entityId: string;
  action: string;
  actor: string;
  correlationId: string | null;
  details: Record<string, unknown>;
  occurredAt: string;
  hash: string;
}

export interface ChainVerdict {
  valid: boolean;
  checked: number;
  firstInvalidId: number | null;
}

export interface Overview {
  windowMinutes: number;
  perMinute: { minute: string; received: number; delivered: number; failed: number }[];
  integrationsByState: Record<'active' | 'paused' | 'disabled', number>;
  deadLetters: number;
  pendingJobs: number;
  oldestPendingJob: { id: string; eventId: string; integrationId: string; status: string; attemptCount: number; createdAt: string } | null;
}

export interface EventTypeSeen {
  provider: string;
  eventType: string;
  count: number;
}

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
