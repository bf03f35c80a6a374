// A job's first attempt, made by the dispatcher that fanned its event out, in the same process: the job
// message's round trip through RabbitMQ (publish, confirm, queue, consume) was most of an idle system's
// time from fan-out to request. The job row is committed before the attempt starts, so nothing is lost:
//   - a crash before the event message's ack redelivers the event; its fan-out republishes every job that
//     has made no attempt yet (the claim lets only one copy deliver);
//   - a crash after the ack leaves the job pending or delivering with no message: the stranded-job sweeper
//     sends it out again after its lease.
// Retries, replays, released ordered jobs and redeliveries still travel as job messages. When every slot
// is taken, or the dispatcher is stopping, the job goes as a message, as it always did.
//
// Better still, the fan-out reserves slots before it creates the jobs, and the jobs whose integration
// takes a delivery at once (active, no rate limit, no receiver's pause) are created with attempt 1
// already claimed (DispatchRequest.claimFirst): their attempt starts without a claim statement of its own.
import { jobMessage, type JobMessage } from '@hookway/contracts';
import { errorFields, type Logger } from '@hookway/logger';
import type { ClaimedJob } from './ports.js';

export interface FirstAttemptsDeps {
  /** Makes the attempt as the job consumer would (the rate limit first, then the delivery). */
  attempt(job: JobMessage, context: { correlationId: string; redelivered: boolean; onClaimed: () => void }): Promise<void>;
  /** Makes an attempt its job was created claimed for (no pacing: reserve asked admitsAtOnce first). */
  attemptClaimed(claimed: ClaimedJob, context: { correlationId: string }): Promise<void>;
  /**
   * Whether a delivery to the integration would go at once, with nothing to wait for or reserve (no rate
   * limit, no receiver's pause); only such an integration's job is created claimed.
   */
  admitsAtOnce(integrationId: string): Promise<boolean>;
  /**
   * The way back to the queue for a job whose in-process attempt failed: `takeover` when the attempt held
   * the job's claim (created claimed, or claimed before it failed), so the copy may take that attempt over
   * (JOB_TAKEOVER_HEADER); a plain copy when it failed before any claim, which claims as any message would.
   */
  publishJob(job: JobMessage, correlationId: string, options: { takeover: boolean }): Promise<void>;
  /** In-process attempts at once, beside the job consumer's own prefetch. */
  slots: number;
  logger: Logger;
  /** Told when an attempt starts here, with how its job was taken (metrics). */
  onStarted?(start: 'created_claimed' | 'claim' | 'takeover'): void;
  /** Told when an attempt this process took has ended: made (`done`), or handed to the queue after a failure (`queued`). */
  onEnded?(outcome: 'done' | 'queued'): void;
}

export class FirstAttempts {
  /**
   * The attempts running here, by job (one each: a second start of a running job answers the first); a
   * takeover of one of them is this process's own attempt, still under way.
   */
  private readonly running = new Map<string, Promise<void>>();
  /** Slots promised to jobs being created claimed (reserve), not yet started or given back. */
  private reserved = 0;
  private stopped = false;

  constructor(private readonly deps: FirstAttemptsDeps) {}

  /**
   * Starts the job's first attempt here when a slot is free and answers when it has ended; undefined:
   * publish its message instead. A takeover (`redelivered`: the event message came back after its
   * consumer died, and the job's first attempt is claimed with nothing recorded) takes no slot: it is
   * what a redelivered job message would have done, and nothing else would do it before the sweeper.
   */
  tryStart(job: JobMessage, correlationId: string, takeover = false): Promise<void> | undefined {
    // A fan-out run again in this process (its batch retried, its message requeued after a failure) finds the
    // attempt it started flagged as claimed: that attempt is still ours and under way, not a dead process's.
    const own = this.running.get(job.jobId);
    if (own) return own;
    if (this.stopped || (!takeover && this.free() <= 0)) return undefined;
    this.deps.onStarted?.(takeover ? 'takeover' : 'claim');
    let held = false;
    const attempt = (): Promise<void> => this.deps.attempt(job, { correlationId, redelivered: takeover, onClaimed: () => { held = true; } });
    return this.track(job.jobId, this.run(job, correlationId, attempt, () => held));
  }

  /**
   * Reserves a slot for each job of the integrations (one entry per job) that may be created claimed: while
   * slots are free, and the integration admits a delivery at once. Answers which were granted; each must be
   * started (startClaimed) or given back (release).
   */
  async reserve(integrationIds: readonly string[]): Promise<boolean[]> {
    const none = (): boolean[] => integrationIds.map(() => false);
    // No slot free: nothing to ask the pacer (a cold cache would read the database for nothing).
    if (this.stopped || integrationIds.length === 0 || this.free() <= 0) return none();
    const distinct = [...new Set(integrationIds)];
    const admits = await Promise.all(distinct.map((id) => this.deps.admitsAtOnce(id).catch(() => false)));
    const atOnce = new Set(distinct.filter((_, index) => admits[index]));
    // Counted after the wait: attempts started or reserved meanwhile hold their slots.
    let free = this.free();
    return integrationIds.map((id) => {
      if (this.stopped || free <= 0 || !atOnce.has(id)) return false;
      free -= 1;
      this.reserved += 1;
      return true;
    });
  }

  private free(): number {
    return this.deps.slots - this.running.size - this.reserved;
  }

  /** Gives back reserved slots whose jobs were not created claimed (they existed, or their integration was no longer active). */
  release(count: number): void {
    this.reserved = Math.max(0, this.reserved - count);
  }

  /**
   * Starts the attempt of a job created claimed on a reserved slot, even while stopping (nobody else would
   * make it before the sweeper), and answers when it has ended.
   */
  startClaimed(claimed: ClaimedJob, correlationId: string): Promise<void> {
    this.release(1);
    this.deps.onStarted?.('created_claimed');
    const { job } = claimed;
    const message = jobMessage({ jobId: job.id, eventId: job.eventId, integrationId: job.integrationId }, job.attemptCount);
    return this.track(job.id, this.run(message, correlationId, () => this.deps.attemptClaimed(claimed, { correlationId }), () => true));
  }

  private track(jobId: string, run: Promise<void>): Promise<void> {
    const tracked = run.finally(() => this.running.delete(jobId));
    this.running.set(jobId, tracked);
    return tracked;
  }

  /** Takes no new attempt and waits for the running ones (each ends within the delivery timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  get inFlight(): number {
    return this.running.size;
  }

  /**
   * A failure here (PostgreSQL or RabbitMQ away mid-attempt) would have requeued a job message: the job goes
   * to the queue instead. When the attempt held the job's claim (`held`), as a copy that may take that attempt
   * over (deps.publishJob): the claim would refuse a plain one, and the job would wait for the sweeper's
   * lease. A failure before any claim hands back a plain copy, which may not take over anyone's attempt.
   */
  private async run(job: JobMessage, correlationId: string, attempt: () => Promise<void>, held: () => boolean): Promise<void> {
    try {
      await attempt();
      this.deps.onEnded?.('done');
    } catch (error) {
      this.deps.onEnded?.('queued');
      this.deps.logger.warn('in-process first attempt failed; the job goes through its queue', { jobId: job.jobId, correlationId, ...errorFields(error) });
      await this.deps.publishJob(job, correlationId, { takeover: held() }).catch((publishError: unknown) => {
        this.deps.logger.warn('could not queue the job either; the sweeper will take it', { jobId: job.jobId, ...errorFields(publishError) });
      });
    }
  }
}
