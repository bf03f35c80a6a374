// Bulk dead-letter replay: the request is recorded and answered at once, then a background run walks the
// matching dead jobs in batches and files one scoped replay request per job, keeping its row up to date.
// Runs are tracked so stop() waits for them; a stop interrupts a run between batches (status failed).
// A caller narrowed to a workspace replays only that workspace's dead letters: its workspace joins the run's filter.
import { errorFields, type Logger } from '@hookway/logger';
import type { JobOperationsService, ReplayAsk } from './job-operations.service.js';
import { JobNotFoundError, operatorFact, type MessagePublisher, type OperatorContext } from './operator.js';
import type { BulkReplay, BulkReplayStore, DeadLetter, DeadLetterFilter, DeliveryJobStore, WorkspaceScope } from './ports.js';

export const BULK_REPLAY_BATCH = 100;

export interface BulkReplayDeps {
  runs: BulkReplayStore;
  jobs: DeliveryJobStore;
  jobOperations: JobOperationsService;
  publisher: MessagePublisher;
  logger: Logger;
  batchSize?: number;
}

export type BulkReplayFilter = DeadLetterFilter & { all?: boolean };

export class BulkReplayService {
  private readonly running = new Set<Promise<void>>();
  private stopping = false;

  constructor(private readonly deps: BulkReplayDeps) {}

  async find(id: string, scope: WorkspaceScope): Promise<BulkReplay | undefined> {
    return this.deps.runs.find(id, scope);
  }

  /** Records the run, audits the request, and starts the run in the background. */
  async start(asked: BulkReplayFilter, ask: ReplayAsk, context: OperatorContext): Promise<BulkReplay> {
    const filter: BulkReplayFilter = context.workspaceId === undefined ? asked : { ...asked, workspaceId: context.workspaceId };
    const run = await this.deps.runs.create({
      filter,
      requestedBy: ask.requestedBy ?? context.actor,
      reason: ask.reason ?? 'bulk dead-letter replay requested',
    });
    try {
      await this.deps.publisher.publishAudit(operatorFact(context, {
        factId: `dead_letter.bulk_replay_requested:${run.id}`,
        entityType: 'dead_letter', entityId: run.id, action: 'bulk_replay_requested',
        details: { filter, requestedBy: run.requestedBy, reason: run.reason },
      }));
    } catch (error) {
      await this.deps.runs.finish(run.id, { status: 'failed', error: 'the request could not be audited; nothing was replayed' });
      throw error;
    }
    const task: Promise<void> = this.execute(run, { requestedBy: run.requestedBy, reason: run.reason }, context)
      .finally(() => this.running.delete(task));
    this.running.add(task);
    return run;
  }

  private async execute(run: BulkReplay, ask: Required<ReplayAsk>, context: OperatorContext): Promise<void> {
    const { runs, jobs } = this.deps;
    const batchSize = this.deps.batchSize ?? BULK_REPLAY_BATCH;
    const logger = this.deps.logger.child({ correlationId: context.requestId, bulkReplayId: run.id });
    try {
      // Only jobs that existed when the request was made: the replays' own jobs (which may die too) stay out.
      const matched = await jobs.countDeadLetters(run.filter, run.createdAt);
      await runs.progress(run.id, { matched });
      let requeued = 0;
      let afterId: string | null = null;
      for (;;) {
        if (this.stopping) throw new Error(`interrupted by shutdown after ${requeued} of ${matched} replays`);
        const batch = await jobs.deadLetterBatch(run.filter, run.createdAt, afterId, batchSize);
        if (batch.length === 0) break;
        const filed = await Promise.all(batch.map((dead) => this.replayOne(dead, ask, context)));
        requeued += filed.filter(Boolean).length;
        await runs.progress(run.id, { requeued });
        afterId = batch[batch.length - 1]?.jobId ?? null;
      }
      await runs.finish(run.id, { status: 'completed' });
      logger.info('bulk dead-letter replay completed', { matched, requeued });
    } catch (error) {
      logger.warn('bulk dead-letter replay failed', errorFields(error));
      await runs.finish(run.id, { status: 'failed', error: error instanceof Error ? error.message : String(error) })
        .catch((finishError: unknown) => logger.error('bulk dead-letter replay outcome not recorded', errorFields(finishError)));
    }
  }

  /** False when the job went away (its integration or event was deleted) since the batch was read. */
  private async replayOne(dead: DeadLetter, ask: Required<ReplayAsk>, context: OperatorContext): Promise<boolean> {
    try {
      await this.deps.jobOperations.replayScoped({ id: dead.jobId, eventId: dead.eventId, integrationId: dead.integrationId }, ask, context, ask.reason);
      return true;
    } catch (error) {
      if (error instanceof JobNotFoundError) return false;
      throw error;
    }
  }

  /** Lets running replays reach a batch boundary and record how far they got. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.running]);
  }
}
