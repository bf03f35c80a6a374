// Operator actions on one delivery job: "retry it now" and "replay this dead letter". A finished job is never
// revived: its history stays, and a replay request scoped to the job's integration makes the dispatcher create
// a fresh job (persisted first, then published; the outbox relay covers a broker outage). A job waiting in a
// retry tier is instead sent its next attempt at once; the tier's later copy is then refused by the claim.
import { jobMessage, nextAttemptOf, publishJobMessage, TERMINAL_JOB_STATUSES } from '@hookway/contracts';
import { hasSqlState, SQLSTATE } from '@hookway/db';
import { errorFields, type Logger } from '@hookway/logger';
import { JobNotFoundError, JobStateError, operatorFact, type MessagePublisher, type OperatorContext } from './operator.js';
import type { DeliveryAttempt, DeliveryAttemptStore, DeliveryJob, DeliveryJobStore, ScopedJob, WorkspaceScope } from './ports.js';
import { EventNotFoundError, type ReplayService } from './replay.service.js';

export interface ReplayAsk {
  requestedBy?: string;
  reason?: string;
}

export interface JobActionAccepted {
  jobId: string;
  replayRequestId?: string;
}

export interface JobDetail extends ScopedJob {
  attempts: DeliveryAttempt[];
}

export interface JobOperationsDeps {
  jobs: DeliveryJobStore;
  attempts: DeliveryAttemptStore;
  replays: ReplayService;
  publisher: MessagePublisher;
  jobDestination: { exchange: string; routingKey: string };
  logger: Logger;
}

export class JobOperationsService {
  constructor(private readonly deps: JobOperationsDeps) {}

  /** A job of another workspace's integration is not found, as an unknown one. */
  private async find(jobId: string, scope: WorkspaceScope): Promise<ScopedJob> {
    const job = await this.deps.jobs.find(jobId, scope);
    if (!job) throw new JobNotFoundError(jobId);
    return job;
  }

  async detail(jobId: string, scope: WorkspaceScope): Promise<JobDetail> {
    const job = await this.find(jobId, scope);
    return { ...job, attempts: await this.deps.attempts.listForJob(jobId) };
  }

  async retry(jobId: string, ask: ReplayAsk, context: OperatorContext): Promise<JobActionAccepted> {
    const job = await this.find(jobId, context);
    if (TERMINAL_JOB_STATUSES.includes(job.status)) {
      const replayRequestId = await this.replayScoped(job, ask, context, 'job retry requested');
      await this.auditAfterReplay(context, {
        entityType: 'job', entityId: job.id, action: 'retry_requested', workspaceId: job.workspaceId,
        details: { eventId: job.eventId, integrationId: job.integrationId, previousStatus: job.status, replayRequestId },
      });
      return { jobId, replayRequestId };
    }
    if (job.status === 'waiting') {
      // Sending it now would overtake the earlier event of its subject that it waits behind.
      throw new JobStateError('JOB_NOT_RETRYABLE', jobId, job.status, 'a waiting job goes when the job before it in its subject ends; only retrying or finished jobs can be retried');
    }
    if (job.status !== 'retrying') {
      throw new JobStateError('JOB_NOT_RETRYABLE', jobId, job.status, `a ${job.status} job is already on its way; only retrying or finished jobs can be retried`);
    }
    const message = jobMessage({ jobId: job.id, eventId: job.eventId, integrationId: job.integrationId }, nextAttemptOf(job));
    await publishJobMessage(this.deps.publisher, this.deps.jobDestination, message, context.requestId);
    await this.deps.publisher.publishAudit(operatorFact(context, {
      entityType: 'job', entityId: job.id, action: 'retry_requested', workspaceId: job.workspaceId,
      details: { eventId: job.eventId, integrationId: job.integrationId, previousStatus: job.status, attempt: message.attempt },
    }));
    return { jobId };
  }

  async replayDeadLetter(jobId: string, ask: ReplayAsk, context: OperatorContext): Promise<Required<JobActionAccepted>> {
    const job = await this.find(jobId, context);
    if (job.status !== 'dead') throw new JobStateError('NOT_DEAD', jobId, job.status, `job ${jobId} is ${job.status}, not dead`);
    const replayRequestId = await this.replayScoped(job, ask, context, 'dead-letter replay requested');
    await this.auditAfterReplay(context, {
      entityType: 'dead_letter', entityId: job.id, action: 'replay_requested', workspaceId: job.workspaceId,
      details: { eventId: job.eventId, integrationId: job.integrationId, replayRequestId },
    });
    return { jobId, replayRequestId };
  }

  /** A replay request for the job's event, to the job's integration only; the event must be in the caller's scope. */
  async replayScoped(job: Pick<DeliveryJob, 'id' | 'eventId' | 'integrationId'>, ask: ReplayAsk, context: OperatorContext, defaultReason: string): Promise<string> {
    try {
      const accepted = await this.deps.replays.request({
        eventId: job.eventId,
        integrationId: job.integrationId,
        sourceJobId: job.id,
        requestedBy: ask.requestedBy ?? context.actor,
        reason: ask.reason ?? defaultReason,
        correlationId: context.requestId,
      }, context);
      return accepted.replayRequestId;
    } catch (error) {
      // The job's event or integration was deleted since it was read: so, with the cascade, was the job.
      if (error instanceof EventNotFoundError || hasSqlState(error, SQLSTATE.foreignKeyViolation)) throw new JobNotFoundError(job.id);
      throw error;
    }
  }

  /**
   * The operator fact of a replay is published after the request is committed. If the broker is down the request
   * still stands (the relay publishes it, with its own replay.requested fact naming the job, integration, requester
   * and reason), so this fact is best effort rather than a reason to fail the call.
   */
  private async auditAfterReplay(context: OperatorContext, fact: Parameters<typeof operatorFact>[1]): Promise<void> {
    try {
      await this.deps.publisher.publishAudit(operatorFact(context, fact));
    } catch (error) {
      this.deps.logger.child({ correlationId: context.requestId }).warn('operator audit fact not published; the replay.requested fact covers it', {
        entityType: fact.entityType, entityId: fact.entityId, action: fact.action, ...errorFields(error),
      });
    }
  }
}
