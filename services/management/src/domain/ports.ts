// What the management domain and its HTTP edge need from storage: small interfaces and the plain records they
// carry, so neither imports data-access (nor knex). The repositories in data-access/ implement them; main.ts
// hands them in.
import type {
  EventStatus, IntegrationOrdering, IntegrationState, JobMessage, JobStatus, OrderingOnDead, PayloadFilter, SourceMapping, SourceRateLimit,
  SourceState, VerifierConfig,
} from '@hookway/contracts';
import type { Camelized, DeliveryJobRow, ListedEventRecord, OutboxSource } from '@hookway/db';

export interface Page<T> {
  items: T[];
  total: number;
}

export interface PageRequest {
  page: number;
  pageSize: number;
}

/**
 * The workspace a call is narrowed to. Rows of any other workspace are then as absent as unknown ids (never
 * "forbidden", which would tell that they exist). No workspaceId: every workspace (the operator's credentials).
 * Integrations, sources and events carry their workspace; jobs and attempts belong to their integration's,
 * replay requests to their event's. An OperatorContext is a scope.
 */
export interface WorkspaceScope {
  workspaceId?: string;
}

// Events

/** An event as listings show it (all but its raw snapshot). */
export type StoredEvent = ListedEventRecord;

export interface EventSnapshot {
  headers: Record<string, unknown>;
  body: string;
}

export const EVENT_SORT_FIELDS = ['createdAt', 'occurredAt', 'status', 'receivedAt'] as const;
export type EventSortField = (typeof EVENT_SORT_FIELDS)[number];

export interface EventSearch extends PageRequest {
  /** Only this workspace's events (the caller's narrowing, or an operator's filter). */
  workspaceId?: string | null;
  provider?: string | null;
  status?: EventStatus | null;
  eventType?: string | null;
  subject?: string | null;
  from?: string | null;
  to?: string | null;
  sortBy: EventSortField;
  sortOrder: 'asc' | 'desc';
}

export interface EventTypeSeen {
  provider: string;
  eventType: string;
  count: number;
  lastSeenAt: Date;
}

export interface EventReader {
  search(search: EventSearch): Promise<Page<StoredEvent>>;
  find(id: string, scope: WorkspaceScope): Promise<StoredEvent | undefined>;
  /** The event with its raw snapshot (headers and body as received), which listings leave out. */
  findWithSnapshot(id: string, scope: WorkspaceScope): Promise<(StoredEvent & { snapshot: EventSnapshot }) | undefined>;
  /** Every (provider, type) received so far in the scope, with how often and when last. */
  eventTypes(provider: string | null | undefined, scope: WorkspaceScope): Promise<EventTypeSeen[]>;
}

// Delivery jobs and dead letters

/** A delivery job as the API shows it: the row (libs/db) without the sweeper's and the ordering's bookkeeping. */
export type DeliveryJob = Camelized<DeliveryJobRow,
  'id' | 'event_id' | 'integration_id' | 'replay_request_id' | 'status' | 'attempt_count' | 'max_attempts' | 'next_attempt_at'
  | 'last_error' | 'last_status_code' | 'created_at' | 'updated_at' | 'completed_at'>;

/** A job with its workspace (its integration's), which the job row itself does not hold. */
export type ScopedJob = DeliveryJob & { workspaceId: string };

export interface DeadLetterFilter {
  /** Only dead jobs of this workspace's integrations (kept with a bulk replay run, so the run stays in it). */
  workspaceId?: string | null;
  integrationId?: string | null;
  provider?: string | null;
  eventType?: string | null;
  /** Dead since (the job's completed_at), inclusive. */
  since?: string | null;
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
  deadAt: Date | null;
}

export interface JobCounts {
  /** Unfinished jobs (pending, delivering, retrying, parked or waiting): deliveries still to come. */
  pending: number;
  dead: number;
}

export interface DeliveryJobStore {
  /** Jobs of an event, oldest first. */
  listForEvent(eventId: string): Promise<DeliveryJob[]>;
  /** The most recent jobs of an event, newest first. */
  recentForEvent(eventId: string, limit: number): Promise<DeliveryJob[]>;
  /** The last_error of the most recently updated job that has one. */
  latestErrorForEvent(eventId: string): Promise<string | null>;
  /** The job with the workspace it belongs to (its integration's). */
  find(id: string, scope: WorkspaceScope): Promise<ScopedJob | undefined>;
  /** Hands an integration's parked jobs back to delivery; returns the job message that lets each be claimed. */
  releaseParked(integrationId: string): Promise<JobMessage[]>;
  /** Parks released jobs again whose job message could not be published, unless a claim took them meanwhile. */
  repark(messages: readonly JobMessage[]): Promise<void>;
  countsForIntegration(integrationId: string): Promise<JobCounts>;
  /** Dead jobs, most recently dead first. */
  searchDeadLetters(search: DeadLetterFilter & PageRequest): Promise<Page<DeadLetter>>;
  /** Dead jobs matching `filter` that existed by `createdBefore`, in id order after `afterId`. */
  deadLetterBatch(filter: DeadLetterFilter, createdBefore: Date, afterId: string | null, limit: number): Promise<DeadLetter[]>;
  countDeadLetters(filter: DeadLetterFilter, createdBefore: Date): Promise<number>;
}

// Delivery attempts

export type AttemptStatus = 'success' | 'failed';

export interface DeliveryAttempt {
  id: string;
  jobId: string;
  eventId: string;
  integrationId: string;
  attemptNumber: number;
  status: AttemptStatus;
  statusCode: number | null;
  latencyMs: number;
  requestUrl: string;
  requestHeaders: Record<string, unknown>;
  responseHeaders: Record<string, unknown> | null;
  responseBody: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: Date;
}

export interface AttemptSearch extends PageRequest {
  /** Only attempts to this workspace's integrations. */
  workspaceId?: string | null;
  status?: AttemptStatus | null;
  eventId?: string | null;
  integrationId?: string | null;
}

export interface AttemptStats {
  totalAttempts: number;
  successfulAttempts: number;
  failedAttempts: number;
  /** null when there are no attempts. */
  averageLatencyMs: number | null;
  p95LatencyMs: number | null;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
}

export interface DeliveryAttemptStore {
  /** Newest first. */
  search(search: AttemptSearch): Promise<Page<DeliveryAttempt>>;
  /** Every attempt of an event in the order they were made. */
  listForEvent(eventId: string): Promise<DeliveryAttempt[]>;
  countForEvent(eventId: string): Promise<number>;
  latestFailedForEvent(eventId: string): Promise<DeliveryAttempt | undefined>;
  /** The attempts of one job, in attempt order. */
  listForJob(jobId: string): Promise<DeliveryAttempt[]>;
  statsForIntegration(integrationId: string): Promise<AttemptStats>;
  /** Deletes every recorded attempt of an integration (its jobs stay); returns how many. */
  purgeForIntegration(integrationId: string): Promise<number>;
}

// Bulk dead-letter replays

export type BulkReplayStatus = 'running' | 'completed' | 'failed';

export interface BulkReplay {
  id: string;
  status: BulkReplayStatus;
  filter: DeadLetterFilter;
  requestedBy: string;
  reason: string;
  /** Dead jobs that matched when the run started; null until counted. */
  matched: number | null;
  requeued: number;
  error: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

export interface BulkReplayStore {
  create(input: { filter: DeadLetterFilter; requestedBy: string; reason: string }): Promise<BulkReplay>;
  /** A run narrowed to a workspace (its filter names one) is seen only in that scope; others only by the operator. */
  find(id: string, scope: WorkspaceScope): Promise<BulkReplay | undefined>;
  progress(id: string, progress: { matched?: number; requeued?: number }): Promise<void>;
  finish(id: string, outcome: { status: 'completed' } | { status: 'failed'; error: string }): Promise<void>;
}

// Replay requests (an outbox: committed first, marked published once the broker confirmed them)

export interface ReplayRequest {
  id: string;
  eventId: string;
  /** The event's workspace. */
  workspaceId: string;
  provider: string;
  eventType: string;
  /** Set when the replay goes to one integration only. */
  integrationId: string | null;
  /** The job a job retry or dead-letter replay repeats. */
  sourceJobId: string | null;
  requestedBy: string;
  reason: string;
  correlationId: string | null;
  createdAt: Date;
}

export interface NewReplayRequest {
  eventId: string;
  requestedBy: string;
  reason: string;
  correlationId: string;
  integrationId?: string | null;
  sourceJobId?: string | null;
}

/** The transaction an outbox relay runs its claim and mark in; the domain only passes it along. */
export type RelayTransaction = Parameters<OutboxSource<ReplayRequest>['claim']>[0];

export interface ReplayRequestStore {
  /** Inserts and commits a pending request; undefined when the event does not exist in the scope. */
  create(request: NewReplayRequest, scope: WorkspaceScope): Promise<ReplayRequest | undefined>;
  markPublished(ids: string[], trx?: RelayTransaction): Promise<void>;
  /** Unpublished requests older than `olderThan`, locked so concurrent relays skip them. */
  claimUnpublished(trx: RelayTransaction, limit: number, olderThan: Date): Promise<ReplayRequest[]>;
}

// Integrations

/** At most `perSecond` deliveries a second on average, `burst` of them back to back. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

export interface Integration {
  id: string;
  workspaceId: string;
  name: string;
  provider: string;
  url: string;
  eventTypes: string[];
  headers: Record<string, string>;
  description: string | null;
  filter: PayloadFilter | null;
  rateLimit: RateLimit | null;
  ordering: IntegrationOrdering;
  orderingOnDead: OrderingOnDead;
  state: IntegrationState;
  consecutiveFailures: number;
  disabledReason: string | null;
  verifiedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface IntegrationFilter {
  /** Only this workspace's integrations (the caller's narrowing, or an operator's filter). */
  workspaceId?: string | null;
  provider?: string | null;
  state?: IntegrationState;
}

export interface NewIntegration {
  workspaceId: string;
  name: string;
  provider: string;
  url: string;
  eventTypes: string[];
  headers: Record<string, string>;
  description: string | null;
  filter: PayloadFilter | null;
  rateLimit: RateLimit | null;
  ordering: IntegrationOrdering;
  orderingOnDead: OrderingOnDead;
  secretSealed: string;
}

export interface IntegrationPatch {
  name?: string;
  url?: string;
  eventTypes?: string[];
  headers?: Record<string, string>;
  description?: string | null;
  /** null removes the filter. */
  filter?: PayloadFilter | null;
  /** null removes the limit. */
  rateLimit?: RateLimit | null;
  /** null delivers without an order. */
  ordering?: IntegrationOrdering;
  orderingOnDead?: OrderingOnDead;
}

/** What a signed request to the integration needs: where, which headers, which secrets (still sealed). */
export interface SigningTarget {
  id: string;
  workspaceId: string;
  provider: string;
  url: string;
  headers: Record<string, unknown>;
  secretSealed: string;
  /** The previous secret while its rotation grace window is open, else null. */
  previousSecretSealed: string | null;
}

/**
 * The public view of integrations (never a secret), plus the one read of the sealed secrets for signing. Every
 * read or change by id takes the caller's scope; pause and resume act on a row findForUpdate has just found and
 * locked in it, markVerified on one signingTarget found in it.
 */
export interface IntegrationStore {
  list(filter: IntegrationFilter): Promise<Integration[]>;
  find(id: string, scope: WorkspaceScope): Promise<Integration | undefined>;
  /** The row locked for the rest of the transaction, so a concurrent change waits for this one. */
  findForUpdate(id: string, scope: WorkspaceScope): Promise<Integration | undefined>;
  create(input: NewIntegration): Promise<Integration>;
  /** A new URL has not been verified: it clears verified_at. */
  update(id: string, patch: IntegrationPatch, scope: WorkspaceScope): Promise<Integration | undefined>;
  /** Deletes the integration with its jobs, their attempts and its scoped replay requests. */
  delete(id: string, scope: WorkspaceScope): Promise<Integration | undefined>;
  pause(id: string): Promise<Integration>;
  /** Active again, with the circuit breaker's count and reason reset. */
  resume(id: string): Promise<Integration>;
  /** The current secret becomes the previous one, valid for `graceMs` more. */
  rotateSecret(id: string, newSecretSealed: string, graceMs: number, scope: WorkspaceScope):
    Promise<{ integration: Integration; previousSecretExpiresAt: Date } | undefined>;
  signingTarget(id: string, scope: WorkspaceScope): Promise<SigningTarget | undefined>;
  /** Records a passed ownership handshake, unless the URL changed while it ran. */
  markVerified(id: string, url: string): Promise<Integration | undefined>;
}

// Sources

export interface Source {
  id: string;
  workspaceId: string;
  /** Global across workspaces: it is the path senders post to (/webhooks/{key}). */
  key: string;
  name: string;
  verifier: VerifierConfig;
  mapping: SourceMapping;
  state: SourceState;
  rateLimit: SourceRateLimit | null;
  /** When the previous secret stops verifying, while a rotation's grace window is open. */
  previousSecretExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewSource {
  workspaceId: string;
  key: string;
  name: string;
  verifier: VerifierConfig;
  mapping: SourceMapping;
  rateLimit: SourceRateLimit | null;
  secretSealed: string | null;
}

export interface SourcePatch {
  name?: string;
  verifier?: VerifierConfig;
  mapping?: SourceMapping;
  rateLimit?: SourceRateLimit | null;
}

/**
 * The public view of sources (never a secret), plus the sealed current secret a rotation keeps as the previous one.
 * Reads and changes by id take the caller's scope; rotateSecret acts on the row currentSecretForUpdate locked in it.
 */
export interface SourceStore {
  list(scope: WorkspaceScope): Promise<Source[]>;
  find(id: string, scope: WorkspaceScope): Promise<Source | undefined>;
  /** Whether a source of the scope has this key. */
  keyExists(key: string, scope: WorkspaceScope): Promise<boolean>;
  create(source: NewSource): Promise<Source>;
  update(id: string, patch: SourcePatch, scope: WorkspaceScope): Promise<Source | undefined>;
  setState(id: string, state: SourceState, scope: WorkspaceScope): Promise<{ source: Source; previousState: SourceState } | undefined>;
  delete(id: string, scope: WorkspaceScope): Promise<Source | undefined>;
  /** The sealed current secret (null when it comes from configuration or the source has none), locked for a rotation. */
  currentSecretForUpdate(id: string, scope: WorkspaceScope): Promise<{ key: string; secretSealed: string | null } | undefined>;
  rotateSecret(id: string, secretSealed: string, previousSealed: string | null, graceMs: number): Promise<Source | undefined>;
}

// Idempotency keys

export type IdempotencyClaim =
  | { kind: 'new' }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'mismatch' };

export interface IdempotencyKeyStore {
  /** Takes the key for this request, or reports what an earlier request under it answered. */
  claim(scope: string, key: string, requestHash: string, ttlMs: number): Promise<IdempotencyClaim>;
  complete(scope: string, key: string, status: number, body: unknown): Promise<void>;
}

// One transaction over several stores

export interface UnitOfWork {
  integrations: IntegrationStore;
  idempotencyKeys: IdempotencyKeyStore;
  jobs: DeliveryJobStore;
  attempts: DeliveryAttemptStore;
  sources: SourceStore;
}

/** Runs `work` with stores bound to one transaction; throwing inside rolls everything back. */
export type InTransaction = <T>(work: (unit: UnitOfWork) => Promise<T>) => Promise<T>;

// The audit log, read

export interface AuditEntry {
  id: number;
  factId: string;
  entityType: string;
  entityId: string;
  action: string;
  actor: string;
  correlationId: string | null;
  details: Record<string, unknown>;
  occurredAt: Date;
  recordedAt: Date;
  prevHash: string;
  hash: string;
  /** The workspace the fact is about; null: none in particular (and every entry from before workspaces). */
  workspaceId: string | null;
}

export interface AuditSearch extends PageRequest {
  entityType?: string | null;
  entityId?: string | null;
  action?: string | null;
  workspaceId?: string | null;
}

export interface AuditEntryReader {
  /** Newest first. */
  search(search: AuditSearch): Promise<Page<AuditEntry>>;
  /** The whole log in id order. */
  inChainOrder(): AsyncIterable<AuditEntry>;
}

// The console's overview

export interface MinuteCounts {
  /** Start of the minute (UTC). */
  minute: Date;
  /** Events received in that minute. */
  received: number;
  /** Delivery attempts that succeeded in that minute. */
  delivered: number;
  /** Delivery attempts that failed in that minute (retries included). */
  failed: number;
}

export interface WaitingJob {
  id: string;
  eventId: string;
  integrationId: string;
  status: JobStatus;
  attemptCount: number;
  createdAt: Date;
}

export interface Overview {
  windowMinutes: number;
  perMinute: MinuteCounts[];
  integrationsByState: Record<IntegrationState, number>;
  deadLetters: number;
  /** Jobs pending, delivering, retrying, parked or waiting (as in an integration's stats). */
  pendingJobs: number;
  oldestPendingJob: WaitingJob | null;
}

export interface OverviewReader {
  /** The aggregates over the last `minutes` minutes, counting only the scope's rows. */
  overview(minutes: number, scope: WorkspaceScope): Promise<Overview>;
}

// Workspaces and their API keys

export interface Workspace {
  id: string;
  /** Lower-case letters, digits and dashes; set at creation and never changed. */
  slug: string;
  name: string;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewWorkspace {
  slug: string;
  name: string;
  description: string | null;
}

export interface WorkspacePatch {
  name?: string;
  /** null clears the description. */
  description?: string | null;
}

/** What holds a workspace back from deletion. */
export interface WorkspaceContents {
  integrations: number;
  sources: number;
}

export interface WorkspaceStore {
  /** Oldest first (the default workspace leads); `only` restricts the page to that one workspace. */
  list(page: PageRequest, only?: string): Promise<Page<Workspace>>;
  find(id: string): Promise<Workspace | undefined>;
  /** The row locked for the rest of the transaction: nothing can be added to the workspace meanwhile. */
  findForUpdate(id: string): Promise<Workspace | undefined>;
  /** Locked FOR NO KEY UPDATE: against a delete and a concurrent key change, not against inserts that reference it. */
  findForKeyChange(id: string): Promise<Workspace | undefined>;
  /** Throws a unique violation (SQLSTATE 23505) when the slug is taken. */
  create(input: NewWorkspace): Promise<Workspace>;
  update(id: string, patch: WorkspacePatch): Promise<Workspace | undefined>;
  contents(id: string): Promise<WorkspaceContents>;
  /** Deletes the workspace with its API keys and events; refused (SQLSTATE 23503) while integrations or sources remain. */
  delete(id: string): Promise<Workspace | undefined>;
}

/** A workspace API key as listed: never the key, only the prefix it starts with. */
export interface ApiKey {
  id: string;
  workspaceId: string;
  name: string;
  /** The first characters of the key (`hwk_` and 8 more), to tell keys apart. */
  prefix: string;
  scopes: string[];
  rateLimit: RateLimit | null;
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface NewApiKey {
  workspaceId: string;
  name: string;
  /** SHA-256 of the key, hex: the key itself is never stored. */
  keyHash: string;
  prefix: string;
  scopes: string[];
  rateLimit: RateLimit | null;
  createdBy: string;
}

export interface ApiKeyStore {
  /** Newest first, revoked keys included. */
  list(workspaceId: string, page: PageRequest): Promise<Page<ApiKey>>;
  /** Whether a live (not revoked) key of the workspace has this name. */
  liveNameTaken(workspaceId: string, name: string): Promise<boolean>;
  create(key: NewApiKey): Promise<ApiKey>;
  /** Revokes the key now unless it already was; undefined when the workspace has no key with this id. */
  revoke(workspaceId: string, keyId: string): Promise<{ key: ApiKey; revokedNow: boolean } | undefined>;
}

/** Runs `work` with the workspace and API key stores bound to one transaction; throwing inside rolls it back. */
export type InWorkspaceTransaction = <T>(work: (stores: { workspaces: WorkspaceStore; apiKeys: ApiKeyStore }) => Promise<T>) => Promise<T>;
