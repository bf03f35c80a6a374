// The safety net under the job messages: a job open (pending, delivering, retrying) long past its due
// time with nothing recorded has lost its message: RabbitMQ's delivery limit dropped it to the dead
// exchange after its consumers kept failing, or a process died between a commit and its publish (a
// management resume, a fan-out). The sweeper sends such a job out again for the attempt it is owed, with
// an audit fact; the claim makes a copy that was not lost after all harmless. A job whose message is
// lost again and again (a poison message) is settled dead after `maxSweeps` rescues, so nothing stays
// open forever and every job whose message went to the dead exchange ends as a dead job.
import { auditFact, jobMessage, nextAttemptOf } from '@hookway/contracts';
import type { Logger } from '@hookway/logger';
import { terminalJobFact } from './job-delivery.js';
import type { DispatchPublisher, StrandedJob, StrandedJobStore, SweepDecision } from './ports.js';

export interface JobSweeperDeps {
  store: StrandedJobStore;
  publisher: DispatchPublisher;
  /** How long past its due time an open job may go with nothing recorded. */
  leaseMs: number;
  /** Rescues of one job after which it is settled dead instead. */
  maxSweeps?: number;
  /** Jobs taken per transaction. */
  batchSize?: number;
  logger: Logger;
}

export interface SweepResult {
  rescued: number;
  settled: number;
  /** Waiting jobs of ordered subjects let go because nothing was open ahead of them. */
  released: number;
}

export const DEFAULT_MAX_SWEEPS = 3;

export function strandedReason(job: StrandedJob): string {
  return `STRANDED: its message was lost ${job.sweeps + 1} times (a consumer kept failing on it, or a process died before `
    + 'publishing it); settled dead by the sweeper';
}

export class JobSweeper {
  private readonly maxSweeps: number;
  private readonly batchSize: number;

  constructor(private readonly deps: JobSweeperDeps) {
    this.maxSweeps = deps.maxSweeps ?? DEFAULT_MAX_SWEEPS;
    this.batchSize = deps.batchSize ?? 500;
  }

  /** Sweeps until no stranded job is left (or another replica holds the sweep). */
  async sweepOnce(): Promise<SweepResult> {
    const total: SweepResult = { rescued: 0, settled: 0, released: 0 };
    const decide = (job: StrandedJob): SweepDecision =>
      job.sweeps >= this.maxSweeps ? { settle: 'dead', reason: strandedReason(job) } : { settle: 'rescue' };
    for (;;) {
      const batch = await this.deps.store.sweep(this.deps.leaseMs, this.batchSize, decide);
      await this.publish(batch.found, batch.rescued, batch.settled);
      total.rescued += batch.rescued.length;
      total.settled += batch.settled.length;
      if (!batch.swept || batch.found.length < this.batchSize) break;
    }
    // After the settling above, which may have ended the open job of a subject without releasing its next.
    for (;;) {
      const released = await this.deps.store.releaseStalledSubjects(this.batchSize);
      for (const message of released) {
        await this.deps.publisher.publishJob(message, `sweep:release:${message.jobId}`);
        this.deps.logger.info('waiting job of a stalled subject let go', { jobId: message.jobId, integrationId: message.integrationId });
      }
      total.released += released.length;
      if (released.length < this.batchSize) return total;
    }
  }

  /** After the commit, so the claim of the new message sees the job as it now is. */
  private async publish(found: readonly StrandedJob[], rescued: readonly StrandedJob[], settled: readonly StrandedJob[]): Promise<void> {
    const { publisher, logger } = this.deps;
    const before = new Map(found.map((job) => [job.id, job]));
    for (const job of rescued) {
      const correlationId = `sweep:${job.id}:${job.sweeps}`;
      const attempt = nextAttemptOf(job);
      await publisher.publishJob(jobMessage({ jobId: job.id, eventId: job.eventId, integrationId: job.integrationId }, attempt), correlationId);
      await publisher.publishAudit(auditFact({
        factId: `job.swept:${job.id}:${job.sweeps}`,
        entityType: 'job',
        entityId: job.id,
        action: 'swept',
        actor: 'dispatcher',
        correlationId,
        details: { eventId: job.eventId, integrationId: job.integrationId, foundStatus: before.get(job.id)?.status ?? null, attempt, sweeps: job.sweeps },
      }));
      logger.warn('stranded job sent out again', { jobId: job.id, foundStatus: before.get(job.id)?.status, attempt, sweeps: job.sweeps });
    }
    for (const job of settled) {
      const reason = strandedReason(before.get(job.id) ?? job);
      const correlationId = `sweep:${job.id}:dead`;
      await publisher.publishDead({ reason, jobId: job.id }, correlationId);
      const fact = terminalJobFact({ ...job, lastError: reason }, undefined, { correlationId });
      if (fact) await publisher.publishAudit(fact);
      logger.warn('stranded job settled dead', { jobId: job.id, sweeps: job.sweeps });
    }
  }
}
