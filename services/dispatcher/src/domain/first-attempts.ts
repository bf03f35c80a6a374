// A job's first attempt, made by the dispatcher that fanned its event out, in the same process: the job
// message's round trip through RabbitMQ (publish, confirm, queue, consume) was most of an idle system's
// time from fan-out to request. The job row is committed before the attempt starts, so nothing is lost:
//   - a crash before the event message's ack redelivers the event; its fan-out republishes every job that
//     has made no attempt yet (the claim lets only one copy deliver);
//   - a crash after the ack leaves the job pending or delivering with no message: the stranded-job sweeper
//     sends it out again after its lease.
// Retries, replays, released ordered jobs and redeliveries still travel as job messages. When every slot
// is taken, or the dispatcher is stopping, the job goes as a message, as it always did.
import type { JobMessage } from '@hookway/contracts';
import { errorFields, type Logger } from '@hookway/logger';

export interface FirstAttemptsDeps {
  /** Makes the attempt as the job consumer would (the rate limit first, then the delivery). */
  attempt(job: JobMessage, context: { correlationId: string; redelivered: boolean }): Promise<void>;
  /** The way back to the queue: for a job no slot takes, or one whose in-process attempt failed. */
  publishJob(job: JobMessage, correlationId: string): Promise<void>;
  /** In-process attempts at once, beside the job consumer's own prefetch. */
  slots: number;
  logger: Logger;
  /** Told when an attempt this process took has ended: made (`done`), or handed to the queue after a failure (`queued`). */
  onEnded?(outcome: 'done' | 'queued'): void;
}

export class FirstAttempts {
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly deps: FirstAttemptsDeps) {}

  /**
   * Starts the job's first attempt here when a slot is free and answers when it has ended; undefined:
   * publish its message instead. A takeover (`redelivered`: the event message came back after its
   * consumer died, and the job's first attempt is claimed with nothing recorded) takes no slot: it is
   * what a redelivered job message would have done, and nothing else would do it before the sweeper.
   */
  tryStart(job: JobMessage, correlationId: string, takeover = false): Promise<void> | undefined {
    if (this.stopped || (!takeover && this.running.size >= this.deps.slots)) return undefined;
    const run = this.run(job, { correlationId, redelivered: takeover }).finally(() => this.running.delete(run));
    this.running.add(run);
    return run;
  }

  /** Takes no new attempt and waits for the running ones (each ends within the delivery timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  get inFlight(): number {
    return this.running.size;
  }

  /**
   * A failure here (PostgreSQL or RabbitMQ away mid-attempt) would have requeued a job message: the job goes
   * to the queue instead. If it had been claimed, that copy is refused and the sweeper takes the job over.
   */
  private async run(job: JobMessage, context: { correlationId: string; redelivered: boolean }): Promise<void> {
    const { correlationId } = context;
    try {
      await this.deps.attempt(job, context);
      this.deps.onEnded?.('done');
    } catch (error) {
      this.deps.onEnded?.('queued');
      this.deps.logger.warn('in-process first attempt failed; the job goes through its queue', { jobId: job.jobId, correlationId, ...errorFields(error) });
      await this.deps.publishJob(job, correlationId).catch((publishError: unknown) => {
        this.deps.logger.warn('could not queue the job either; the sweeper will take it', { jobId: job.jobId, ...errorFields(publishError) });
      });
    }
  }
}
