// What the dispatcher's rules need from the outside world, stated as small interfaces so the
// domain holds no knex, amqplib or got types. data-access/ and outbound/ implement them.
import type {
  AuditFact, DeadMessage, EventStatus, FilterableEvent, IntegrationOrdering, IntegrationState, JobMessage, JobPublishOptions, JobStatus, OrderingOnDead, PayloadFilter,
} from '@hookway/contracts';
import type { Camelized, DeliveryJobRow } from '@hookway/db';
import type { OutboundEvent } from '@hookway/outbound';

/** What a fan-out reads of an event. */
export interface EventSummary {
  id: string;
  /** Its subscribers are the integrations of this workspace (an event never leaves its workspace). */
  workspaceId: string;
  provider: string;
  type: string;
  subject: string | null;
  /** Where ingress put the event in its order (events.seq, a bigint as text). */
  seq: string;
}

export interface EventStore {
  /** The events that exist among `eventIds`, in no particular order. */
  findSummaries(eventIds: readonly string[]): Promise<EventSummary[]>;
  /** Recomputes each event's status from its jobs and stores it; events that do not exist are left out. */
  refreshStatuses(eventIds: readonly string[]): Promise<Map<string, EventStatus>>;
  /** What a payload filter sees of each event that exists among `eventIds` (its payload included). */
  findFilterables(eventIds: readonly string[]): Promise<Map<string, FilterableEvent>>;
  /**
   * The events of the same workspace, provider and subject as each of `events`, ingress-ordered before it, that no
   * fan-out has reached yet (still `pending`): an ordered integration must get their jobs first.
   */
  findPendingBefore(events: readonly EventSummary[]): Promise<EventSummary[]>;
}

export interface ReplayRequestRecord {
  id: string;
  eventId: string;
  status: string;
  /** Set for a job or dead-letter replay: only this integration gets a job. Null: every subscriber. */
  integrationId: string | null;
}

export interface ReplayRequestStore {
  findById(replayRequestId: string): Promise<ReplayRequestRecord | undefined>;
  /** Marks the replay dispatched and returns how many jobs it has, counted from the stored jobs. */
  markDispatched(replayRequestId: string): Promise<number>;
}

/** Where an event comes from, as subscriptions see it: a provider's events within one workspace. */
export interface EventFeed {
  workspaceId: string;
  provider: string;
}

/** The key findActiveSubscribers answers a feed's subscribers under. */
export function feedKey({ workspaceId, provider }: EventFeed): string {
  return `${workspaceId}/${provider}`;
}

export interface SubscribedIntegration {
  id: string;
  eventTypes: string[];
  /** A validated payload filter, or null for every event of its types. */
  filter: PayloadFilter | null;
  /** 'subject': the events of one subject are delivered one at a time, in ingress order. */
  ordering: IntegrationOrdering;
}

export interface DeliveryTarget {
  id: string;
  workspaceId: string;
  state: IntegrationState;
  /** What a dead job of an ordered integration does to its subject's later jobs. */
  orderingOnDead: OrderingOnDead;
  url: string;
  headers: Record<string, unknown>;
  secretSealed: string;
  /** Only while its rotation grace window is open; null otherwise. */
  previousSecretSealed: string | null;
}

export interface IntegrationStore {
  /**
   * The active integrations of the feeds of the events that exist among `eventIds`, under feedKey (a feed
   * with none is absent); read from the ids, so it can run beside the events' own read.
   */
  findActiveSubscribers(eventIds: readonly string[]): Promise<Map<string, SubscribedIntegration[]>>;
  /** Any integration, whatever its state (a replay aimed at a paused one parks). */
  findById(integrationId: string): Promise<SubscribedIntegration | undefined>;
  /**
   * The reason the integration is disabled, when it was this job's outcome that disabled it (and
   * nothing has changed the integration since); undefined otherwise.
   */
  disabledByJob(integrationId: string, jobId: string): Promise<string | undefined>;
}

/** One fan-out: the original dispatch of an event (replayRequestId null) or one replay of it. */
export interface Dispatch {
  eventId: string;
  replayRequestId: string | null;
}

/**
 * The job as delivery works with it: the row (libs/db) less its timestamps of record. `lastError` of a dead
 * job is why it died (also the DeadMessage reason); `orderKey` is the subject whose order it keeps, or null.
 */
export type JobRecord = Camelized<DeliveryJobRow,
  'id' | 'event_id' | 'integration_id' | 'replay_request_id' | 'status' | 'attempt_count' | 'max_attempts'
  | 'last_status_code' | 'last_error' | 'next_attempt_at' | 'completed_at' | 'order_key'>;

/** A dispatch and the integrations that get a job of it. */
export interface DispatchRequest {
  dispatch: Dispatch;
  integrationIds: readonly string[];
  /** Those of `integrationIds` whose jobs keep the order of the event's subject, and the event's place in it. */
  ordered?: { subject: string; seq: string; integrationIds: readonly string[] };
  /**
   * Those of `integrationIds` whose new job is created with its first attempt claimed, for this process to
   * make (never an ordered one; an integration no longer active gets a plain pending job): see DispatchJob.claimed.
   */
  claimFirst?: readonly string[];
}

/** A job of one dispatch; `unpublished` while its first delivery message may not have gone out yet. */
export interface DispatchJob extends Dispatch {
  id: string;
  integrationId: string;
  /** Its first attempt is owed (nothing published or claimed it yet). */
  unpublished: boolean;
  /** An earlier fan-out's process claimed its first attempt and has recorded nothing (yet). */
  firstAttemptClaimed: boolean;
  /** Created just now with attempt 1 claimed for this process (DispatchRequest.claimFirst): the attempt to make. */
  claimed?: ClaimedJob;
}

/** A claimed job with what its delivery needs; event or target is undefined only when a deletion raced the claim. */
export interface ClaimedJob {
  job: JobRecord;
  event: OutboundEvent | undefined;
  target: DeliveryTarget | undefined;
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
  /** The job's subject when its integration orders by subject (see JobRecord.orderKey). */
  orderKey: string | null;
  status: 'success' | 'failed';
  requestUrl: string;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, unknown> | null;
  responseBody: string | null;
  errorMessage: string | null;
}

/** What a job becomes after an attempt, decided by completionFor. */
export type JobCompletion =
  | { status: 'succeeded'; lastError: null; lastStatusCode: number | null }
  | {
      status: 'retrying';
      lastError: string;
      lastStatusCode: number | null;
      nextAttempt: number;
      /** One of the retry tiers. */
      delayMs: number;
      nextAttemptAt: Date;
    }
  | {
      status: 'dead';
      /** Why the job died; also the DeadMessage reason. */
      lastError: string;
      lastStatusCode: number | null;
      /** Set when the endpoint answered 410 Gone: the integration is disabled with this reason. */
      goneReason: string | null;
    };

export type RecordOutcome =
  /** The job was no longer ours: a redelivered copy of the message finished first. */
  | { recorded: false }
  /**
   * `disabledReason` is set when this outcome disabled the integration (410 or circuit breaker); `released`
   * holds the next job of the subject an ordered job ended (now pending), whose first message is owed.
   */
  | { recorded: true; disabledReason: string | null; released: JobMessage[] };

export interface JobStore {
  /**
   * Creates each dispatch's job for each of its integrations that has none yet (idempotent), and
   * returns every job of the dispatches, those created by an earlier run included. In the same
   * statement, an event dispatched for the first time (no replay) that is still `pending` becomes
   * `processing`, or `processed` when it has no job at all; a replay's status is left to the caller.
   */
  createForDispatches(dispatches: readonly DispatchRequest[], maxAttempts: number): Promise<DispatchJob[]>;
  /**
   * Takes the job for this attempt, with its event and delivery target, or undefined when it is done,
   * superseded or owned by another consumer.
   */
  claim(message: JobMessage, redelivered: boolean): Promise<ClaimedJob | undefined>;
  findById(jobId: string): Promise<JobRecord | undefined>;
  lastAttempt(jobId: string): Promise<AttemptSummary | undefined>;
  /** Parks a claimed job without counting the attempt it did not make; refreshes the event status. */
  park(jobId: string): Promise<void>;
  /** The first message of the job of `orderKey` that is now free to go (pending, no attempt yet), if any. */
  subjectHead(integrationId: string, orderKey: string): Promise<JobMessage | undefined>;
  /**
   * In one transaction: the attempt, the job's new state, the integration's streak of failed jobs
   * (reset by a success, one more for a dead job, unchanged while retrying), disabling the integration
   * when `disableReasonFor(streak)` of a dead job says so, and the event status.
   */
  recordAttempt(
    attempt: AttemptRecord,
    completion: JobCompletion,
    disableReasonFor: (consecutiveFailedJobs: number) => string | null,
  ): Promise<RecordOutcome>;
}

export interface DispatchPublisher {
  /** `takeover`: the message stands in for a redelivered one (an in-process attempt that failed hands its job back). */
  publishJob(message: JobMessage, correlationId: string, options?: JobPublishOptions): Promise<void>;
  /** Through the retry tier of `delayMs`; straight to the jobs exchange when delayMs is 0. */
  publishRetry(message: JobMessage, delayMs: number, correlationId: string): Promise<void>;
  publishDead(message: DeadMessage, correlationId: string): Promise<void>;
  /** `linger`: see libs/broker AuditPublishOptions (a delivery's own facts may; bookkeeping loops may not). */
  publishAudit(fact: AuditFact, options?: { linger?: boolean }): Promise<void>;
}

export type { WebhookResult, WebhookSender } from '@hookway/outbound';

/** A job the sweeper found open past its lease, or what it made of one. */
export interface StrandedJob {
  id: string;
  eventId: string;
  integrationId: string;
  status: JobStatus;
  attemptCount: number;
  /** How often the sweeper has already sent this job out again. */
  sweeps: number;
}

export type SweepDecision = { settle: 'rescue' } | { settle: 'dead'; reason: string };

export interface StrandedJobStore {
  /**
   * One replica at a time (`swept` false when another holds the sweep): takes up to `limit` jobs open past
   * `leaseMs`, rescues or settles each as `decide` says, refreshes their events' statuses, and returns the
   * jobs as found and as they became.
   */
  sweep(leaseMs: number, limit: number, decide: (job: StrandedJob) => SweepDecision): Promise<{
    swept: boolean; found: StrandedJob[]; rescued: StrandedJob[]; settled: StrandedJob[];
  }>;
  /**
   * Lets go the subjects of ordered integrations whose jobs wait with none open ahead of them (see
   * stranded-job.repository.ts), up to `limit` subjects; returns the first messages now owed.
   */
  releaseStalledSubjects(limit: number): Promise<JobMessage[]>;
}
