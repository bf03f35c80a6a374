// The integration lifecycle: create (idempotent under an Idempotency-Key), update, delete, pause, resume
// (which releases the jobs a pause parked), secret rotation, delivery-history purge and statistics.
// Every change publishes its audit fact inside the transaction, before the commit: if the broker cannot take
// it the change rolls back, so nothing changes unaudited. Job messages are the exception (see resume).
// An integration lives in one workspace and receives only that workspace's events: those of its sources, or the
// ones its applications publish (provider `api`).
import { createHash } from 'node:crypto';
import {
  canonicalJson, matchesFilter, PUBLISHED_EVENT_PROVIDER, publishJobMessage, type FilterableEvent, type IntegrationOrdering, type JobMessage,
  type OrderingOnDead, type PayloadFilter,
} from '@hookway/contracts';
import { hasSqlState, SQLSTATE } from '@hookway/db';
import {
  auditableUrl, IdempotencyKeyReusedError, IntegrationNotFoundError, operatorFact, type MessagePublisher, type OperatorContext,
} from './operator.js';
import type {
  DeliveryAttemptStore, DeliveryJobStore, InTransaction, Integration, IntegrationFilter, IntegrationPatch, IntegrationStore, RateLimit, UnitOfWork,
  WorkspaceScope,
} from './ports.js';
import { UnknownSourceError, workspaceForNew } from './source.service.js';
import { WorkspaceNotFoundError } from './workspace.service.js';

export const IDEMPOTENCY_SCOPE = 'POST /integrations';
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Where a create's Idempotency-Key lives: the operator's keys as before, each workspace's apart, so one workspace can
 * neither replay nor block another's.
 */
export function idempotencyScope(scope: WorkspaceScope): string {
  return scope.workspaceId === undefined ? IDEMPOTENCY_SCOPE : `${IDEMPOTENCY_SCOPE}@${scope.workspaceId}`;
}

export interface IntegrationInput {
  /** Where it goes: see workspaceForNew. */
  workspaceId?: string;
  name: string;
  provider: string;
  url: string;
  eventTypes: string[];
  headers?: Record<string, string>;
  description?: string | null;
  filter?: PayloadFilter | null;
  rateLimit?: RateLimit | null;
  /** Left out: no order. */
  ordering?: IntegrationOrdering;
  /** Left out: skip. */
  orderingOnDead?: OrderingOnDead;
}

/** The JSON answer of a create: the integration and its secret, shown this once. */
export type CreatedIntegrationJson = Record<string, unknown> & { id: string; secret: string };

export interface CreateOutcome {
  /** True when an earlier request with the same Idempotency-Key answered this. */
  replayed: boolean;
  integration: CreatedIntegrationJson;
}

export interface RotatedSecret extends Integration {
  secret: string;
  previousSecretExpiresAt: Date;
}

export interface IntegrationStats {
  totalAttempts: number;
  successfulAttempts: number;
  failedAttempts: number;
  successRate: number | null;
  averageLatencyMs: number | null;
  p95LatencyMs: number | null;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  pendingJobs: number;
  deadJobs: number;
}

export interface SecretSealer {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

export interface IntegrationServiceDeps {
  inTransaction: InTransaction;
  integrations: IntegrationStore;
  jobs: DeliveryJobStore;
  attempts: DeliveryAttemptStore;
  publisher: MessagePublisher;
  jobDestination: { exchange: string; routingKey: string };
  secretBox: SecretSealer;
  generateSecret: () => string;
  /** Throws InvalidUrlError when deliveries to the URL would be refused. */
  checkUrl: (url: string) => Promise<void>;
  rotationGraceMs: number;
}

/** Header names only and the URL's origin only: either may well carry a credential, and audit details hold no secrets. */
function auditable(input: Partial<IntegrationInput>): Record<string, unknown> {
  const { headers, url, ...rest } = input;
  return { ...rest, ...(url === undefined ? {} : { urlOrigin: auditableUrl(url) }), ...(headers ? { headerNames: Object.keys(headers) } : {}) };
}

/** The body's fingerprint under an Idempotency-Key: key order and whitespace do not change it. */
function requestHash(input: IntegrationInput): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex');
}

/** Dates become ISO strings, exactly as the HTTP answer (and the stored copy of it) carries them. */
function asJson<T>(value: T): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

const JOB_PUBLISH_CHUNK = 100;

export class IntegrationService {
  constructor(private readonly deps: IntegrationServiceDeps) {}

  async list(filter: IntegrationFilter): Promise<Integration[]> {
    return this.deps.integrations.list(filter);
  }

  async get(id: string, scope: WorkspaceScope): Promise<Integration> {
    const integration = await this.deps.integrations.find(id, scope);
    if (!integration) throw new IntegrationNotFoundError(id);
    return integration;
  }

  /**
   * Without a key, creates. With one, the key row is taken first in the transaction: a retry with the same body
   * gets the first answer back (its secret was stored sealed and is opened again), a different body is refused,
   * and a concurrent twin waits for the first to commit and then answers as a retry. Keys are kept per workspace.
   */
  async create(input: IntegrationInput, context: OperatorContext, idempotencyKey?: string): Promise<CreateOutcome> {
    const scope = idempotencyScope(context);
    try {
      return await this.deps.inTransaction(async (unit) => {
        if (idempotencyKey === undefined) return { replayed: false, integration: await this.createIn(unit, input, context) };
        const claim = await unit.idempotencyKeys.claim(scope, idempotencyKey, requestHash(input), IDEMPOTENCY_TTL_MS);
        if (claim.kind === 'mismatch') throw new IdempotencyKeyReusedError();
        if (claim.kind === 'replay') return { replayed: true, integration: this.unsealStored(claim.body) };
        const integration = await this.createIn(unit, input, context);
        const { secret, ...rest } = integration;
        await unit.idempotencyKeys.complete(scope, idempotencyKey, 201, { ...rest, secretSealed: this.deps.secretBox.seal(secret) });
        return { replayed: false, integration };
      });
    } catch (error) {
      // The operator named a workspace that does not exist (the row's foreign key).
      if (hasSqlState(error, SQLSTATE.foreignKeyViolation)) throw new WorkspaceNotFoundError(workspaceForNew(context, input.workspaceId));
      throw error;
    }
  }

  /**
   * The provider must be a source of the integration's own workspace, or `api` (its applications' published events):
   * the dispatcher matches events with the integrations of their workspace only.
   */
  private async createIn(unit: UnitOfWork, input: IntegrationInput, context: OperatorContext): Promise<CreatedIntegrationJson> {
    const workspaceId = workspaceForNew(context, input.workspaceId);
    await this.deps.checkUrl(input.url);
    const secret = this.deps.generateSecret();
    // Inserted first, so a workspace that does not exist is told apart (by the foreign key) from a source that does not.
    const integration = await unit.integrations.create({
      workspaceId,
      name: input.name,
      provider: input.provider,
      url: input.url,
      eventTypes: input.eventTypes,
      headers: input.headers ?? {},
      description: input.description ?? null,
      filter: input.filter ?? null,
      rateLimit: input.rateLimit ?? null,
      ordering: input.ordering ?? null,
      orderingOnDead: input.orderingOnDead ?? 'skip',
      secretSealed: this.deps.secretBox.seal(secret),
    });
    if (input.provider !== PUBLISHED_EVENT_PROVIDER && !(await unit.sources.keyExists(input.provider, { workspaceId }))) {
      throw new UnknownSourceError(input.provider);
    }
    await this.deps.publisher.publishAudit(operatorFact(context, {
      entityType: 'integration', entityId: integration.id, action: 'created', workspaceId, details: auditable(input),
    }));
    return { ...asJson(integration), id: integration.id, secret };
  }

  private unsealStored(body: unknown): CreatedIntegrationJson {
    const { secretSealed, ...rest } = body as Record<string, unknown> & { id: string; secretSealed: string };
    return { ...rest, secret: this.deps.secretBox.open(secretSealed) };
  }

  async update(id: string, patch: IntegrationPatch, context: OperatorContext): Promise<Integration> {
    await this.get(id, context);
    if (patch.url !== undefined) await this.deps.checkUrl(patch.url);
    return this.deps.inTransaction(async (unit) => {
      const updated = await unit.integrations.update(id, patch, context);
      if (!updated) throw new IntegrationNotFoundError(id);
      await this.deps.publisher.publishAudit(operatorFact(context, {
        entityType: 'integration', entityId: id, action: 'updated', workspaceId: updated.workspaceId,
        details: { changed: Object.keys(patch), ...auditable(patch) },
      }));
      return updated;
    });
  }

  /**
   * Whether the event would pass the integration's filter (or `candidate`, a filter not stored yet).
   * An integration without a filter passes every event; an event without a provider has the integration's.
   */
  async filterTest(id: string, scope: WorkspaceScope, event: Omit<FilterableEvent, 'provider'> & { provider: string | null }, candidate?: PayloadFilter):
    Promise<{ matches: boolean; filter: PayloadFilter | null }> {
    const integration = await this.get(id, scope);
    const filter = candidate ?? integration.filter;
    const matches = filter === null || matchesFilter(filter, { ...event, provider: event.provider ?? integration.provider });
    return { matches, filter };
  }

  /** Its jobs and their attempts are deleted with it (the audit log keeps the facts about them). */
  async delete(id: string, context: OperatorContext): Promise<void> {
    await this.deps.inTransaction(async (unit) => {
      const deleted = await unit.integrations.delete(id, context);
      if (!deleted) throw new IntegrationNotFoundError(id);
      await this.deps.publisher.publishAudit(operatorFact(context, {
        entityType: 'integration', entityId: id, action: 'deleted', workspaceId: deleted.workspaceId, details: { name: deleted.name, provider: deleted.provider, urlOrigin: auditableUrl(deleted.url) },
      }));
    });
  }

  /** Pausing a paused integration changes nothing and is not audited. */
  async pause(id: string, context: OperatorContext): Promise<Integration> {
    return this.deps.inTransaction(async (unit) => {
      const current = await unit.integrations.findForUpdate(id, context);
      if (!current) throw new IntegrationNotFoundError(id);
      if (current.state === 'paused') return current;
      const paused = await unit.integrations.pause(id);
      await this.deps.publisher.publishAudit(operatorFact(context, {
        entityType: 'integration', entityId: id, action: 'paused', workspaceId: current.workspaceId, details: { previousState: current.state },
      }));
      return paused;
    });
  }

  /**
   * Active again, failures forgotten, and every job the pause parked handed back to delivery with a fresh job
   * message. The messages go out after the commit: the dispatcher's claim must already see the released
   * status (a claim reading the uncommitted row would still see it parked and drop the message). A message the
   * broker refuses has its job parked again and the call fails, so a retried resume releases it. An active
   * integration's state is left alone, but a job parked by a delivery that raced the resume is still released.
   */
  async resume(id: string, context: OperatorContext): Promise<{ integration: Integration; releasedJobs: number }> {
    const { integration, released } = await this.deps.inTransaction(async (unit) => {
      const current = await unit.integrations.findForUpdate(id, context);
      if (!current) throw new IntegrationNotFoundError(id);
      const resumed = current.state === 'active' ? current : await unit.integrations.resume(id);
      const releasedJobs = await unit.jobs.releaseParked(id);
      if (current.state !== 'active' || releasedJobs.length > 0) {
        await this.deps.publisher.publishAudit(operatorFact(context, {
          entityType: 'integration', entityId: id, action: 'resumed', workspaceId: current.workspaceId,
          details: { previousState: current.state, disabledReason: current.disabledReason, releasedJobs: releasedJobs.length },
        }));
      }
      return { integration: resumed, released: releasedJobs };
    });
    await this.publishReleased(released, context);
    return { integration, releasedJobs: released.length };
  }

  private async publishReleased(messages: JobMessage[], context: OperatorContext): Promise<void> {
    const refused: JobMessage[] = [];
    let firstError: unknown;
    for (let index = 0; index < messages.length; index += JOB_PUBLISH_CHUNK) {
      const chunk = messages.slice(index, index + JOB_PUBLISH_CHUNK);
      const outcomes = await Promise.allSettled(chunk.map((message) => publishJobMessage(this.deps.publisher, this.deps.jobDestination, message, context.requestId)));
      outcomes.forEach((outcome, position) => {
        if (outcome.status === 'fulfilled') return;
        firstError ??= outcome.reason;
        refused.push(chunk[position]!);
      });
    }
    if (refused.length === 0) return;
    await this.deps.jobs.repark(refused);
    throw firstError;
  }

  /** A new secret, shown once; the old one keeps signing (alongside) until the grace window closes. */
  async rotateSecret(id: string, context: OperatorContext): Promise<RotatedSecret> {
    const secret = this.deps.generateSecret();
    return this.deps.inTransaction(async (unit) => {
      const rotated = await unit.integrations.rotateSecret(id, this.deps.secretBox.seal(secret), this.deps.rotationGraceMs, context);
      if (!rotated) throw new IntegrationNotFoundError(id);
      await this.deps.publisher.publishAudit(operatorFact(context, {
        entityType: 'integration', entityId: id, action: 'secret_rotated', workspaceId: rotated.integration.workspaceId,
        details: { previousSecretExpiresAt: rotated.previousSecretExpiresAt.toISOString() },
      }));
      return { ...rotated.integration, secret, previousSecretExpiresAt: rotated.previousSecretExpiresAt };
    });
  }

  /** Deletes the integration's delivery attempts; its jobs (and their final states) stay. */
  async purgeDeliveries(id: string, context: OperatorContext): Promise<number> {
    return this.deps.inTransaction(async (unit) => {
      const integration = await unit.integrations.findForUpdate(id, context);
      if (!integration) throw new IntegrationNotFoundError(id);
      const deleted = await unit.attempts.purgeForIntegration(id);
      await this.deps.publisher.publishAudit(operatorFact(context, {
        entityType: 'integration', entityId: id, action: 'deliveries_purged', workspaceId: integration.workspaceId, details: { deleted },
      }));
      return deleted;
    });
  }

  async stats(id: string, scope: WorkspaceScope): Promise<IntegrationStats> {
    await this.get(id, scope);
    const [attempts, jobs] = await Promise.all([this.deps.attempts.statsForIntegration(id), this.deps.jobs.countsForIntegration(id)]);
    return {
      ...attempts,
      successRate: attempts.totalAttempts === 0 ? null : Math.round((attempts.successfulAttempts / attempts.totalAttempts) * 10_000) / 10_000,
      pendingJobs: jobs.pending,
      deadJobs: jobs.dead,
    };
  }
}
