// The JobStore deliveries use, with group commit: the claims of messages that arrive together go to
// PostgreSQL as one statement, and the attempts that finish together are recorded in one transaction.
// Under load this turns a claim and a four-round-trip transaction per delivery into one of each per
// batch; when idle a lone claim or record goes out at once (see Batcher).
import { Batcher, isBatchFaultOfOne } from '@hookway/db';
import type { JobMessage } from '@hookway/contracts';
import type {
  AttemptRecord, AttemptSummary, ClaimedJob, DispatchJob, DispatchRequest, JobCompletion, JobRecord, JobStore, RecordOutcome,
} from '../domain/ports.js';
import type { AttemptEntry, JobRepository } from './job.repository.js';

export interface BatchedJobStoreOptions {
  /** Most claims or attempts in one statement. */
  maxBatchSize: number;
  /** Claim statements, and record transactions, running at once; each holds a pool connection. */
  batchesInFlight: number;
  /** Called with the number of attempts in each record transaction. */
  onRecordBatch?: (size: number) => void;
}

export class BatchedJobStore implements JobStore {
  private readonly claims: Batcher<{ message: JobMessage; redelivered: boolean }, ClaimedJob | undefined>;
  private readonly records: Batcher<AttemptEntry, RecordOutcome>;

  constructor(private readonly jobs: JobRepository, options: BatchedJobStoreOptions) {
    const { maxBatchSize, batchesInFlight, onRecordBatch } = options;
    // A batch PostgreSQL aborted (a deadlock, or a value one message carries that it refuses) is tried
    // again item by item, so only the item at fault fails.
    const retryAlone = isBatchFaultOfOne;
    this.claims = new Batcher((batch) => jobs.claimMany(batch), { maxSize: maxBatchSize, maxInFlight: batchesInFlight, retryAlone });
    this.records = new Batcher(
      (batch) => {
        onRecordBatch?.(batch.length);
        return jobs.recordMany(batch);
      },
      { maxSize: maxBatchSize, maxInFlight: batchesInFlight, retryAlone },
    );
  }

  claim(message: JobMessage, redelivered: boolean): Promise<ClaimedJob | undefined> {
    return this.claims.add({ message, redelivered });
  }

  recordAttempt(
    attempt: AttemptRecord,
    completion: JobCompletion,
    disableReasonFor: (consecutiveFailedJobs: number) => string | null,
  ): Promise<RecordOutcome> {
    return this.records.add({ attempt, completion, disableReasonFor });
  }

  createForDispatches(dispatches: readonly DispatchRequest[], maxAttempts: number): Promise<DispatchJob[]> {
    return this.jobs.createForDispatches(dispatches, maxAttempts);
  }

  findById(jobId: string): Promise<JobRecord | undefined> {
    return this.jobs.findById(jobId);
  }

  lastAttempt(jobId: string): Promise<AttemptSummary | undefined> {
    return this.jobs.lastAttempt(jobId);
  }

  park(jobId: string): Promise<void> {
    return this.jobs.park(jobId);
  }

  subjectHead(integrationId: string, orderKey: string): Promise<JobMessage | undefined> {
    return this.jobs.subjectHead(integrationId, orderKey);
  }

  /** Resolves once every claim and record queued so far has been written (or has failed). */
  async drain(): Promise<void> {
    await this.claims.drain();
    await this.records.drain();
  }
}
