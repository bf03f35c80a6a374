// What the dispatcher's rules need from the outside world, stated as small interfaces so the
// domain holds no knex, amqplib or got types. data-access/ and outbound/ implement them.
import type { AuditFact, EventStatus, IntegrationState, JobMessage, JobStatus } from '@hookway/contracts';
import type { OutboundEvent } from '@hookway/outbound';

export interface EventStore {
  findById(eventId: string): Promise<OutboundEvent | undefined>;
  /** Recomputes the event's status from its jobs and stores it. */
  refreshStatus(eventId: string): Promise<EventStatus>;
}

export interface ReplayRequestRecord {
  id: string;
  eventId: string;
  status: string;
}

export interface ReplayRequestStore {
  findById(replayRequestId: string): Promise<ReplayRequestRecord | undefined>;
  markDispatched(replayRequestId: string, jobCount: number): Promise<void>;
}

export interface SubscribedIntegration {
  id: string;
  eventTypes: string[];
}

export interface DeliveryTarget {
  id: string;
  state: IntegrationState;
  url: string;
  headers: Record<string, unknown>;
  secretSealed: string;
  /** Only while its rotation grace window is open; null otherwise. */
  previousSecretSealed: string | null;
}

export interface IntegrationStore {
  findActiveByProvider(provider: string): Promise<SubscribedIntegration[]>;
  findTarget(integrationId: string): Promise<DeliveryTarget | undefined>;
}

/** One fan-out: the original dispatch of an event (replayRequestId null) or one replay of it. */
export interface Dispatch {
  eventId: string;
  replayRequestId: string | null;
}

export interface JobRecord {
  id: string;
  eventId: string;
  integrationId: string;
  replayRequestId: string | null;
  status: JobStatus;
  attemptCount: number;
  maxAttempts: number;
  lastStatusCode: number | null;
  completedAt: Date | null;
}

export interface AttemptSummary {
  attemptNumber: number;
  statusCode: number | null;
  latencyMs: number;
  errorCode: string | null;
}

export interface AttemptRecord extends AttemptSummary {
  jobId: string;
  eventId: string;
  integrationId: string;
  status: 'success' | 'failed';
  requestUrl: string;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, unknown> | null;
  responseBody: string | null;
  errorMessage: string | null;
}

export interface JobCompletion {
  status: Extract<JobStatus, 'succeeded' | 'failed'>;
  lastError: string | null;
  lastStatusCode: number | null;
}

export interface JobStore {
  createForDispatch(dispatch: Dispatch, integrationIds: readonly string[], maxAttempts: number): Promise<void>;
  /** Jobs of a dispatch whose first delivery message may not have been published yet. */
  findUnpublished(dispatch: Dispatch): Promise<Array<{ id: string; integrationId: string }>>;
  countForDispatch(dispatch: Dispatch): Promise<number>;
  /** Takes the job for this attempt, or undefined when it is done, superseded or owned by another consumer. */
  claim(message: JobMessage, redelivered: boolean): Promise<JobRecord | undefined>;
  findById(jobId: string): Promise<JobRecord | undefined>;
  lastAttempt(jobId: string): Promise<AttemptSummary | undefined>;
  /** Parks a claimed job without counting the attempt it did not make; refreshes the event status. */
  park(jobId: string): Promise<void>;
  /**
   * In one transaction: the attempt, the job's new state, the integration's failure streak and the
   * event status. Returns false when the job was no longer ours (a redelivered copy finished first).
   */
  recordAttempt(attempt: AttemptRecord, completion: JobCompletion): Promise<boolean>;
}

export interface DispatchPublisher {
  publishJob(message: JobMessage, correlationId: string): Promise<void>;
  publishAudit(fact: AuditFact): Promise<void>;
}

export type { WebhookResult, WebhookSender } from '@hookway/outbound';
