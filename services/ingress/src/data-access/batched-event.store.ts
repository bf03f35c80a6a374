// The EventStore intake uses, with group commit: the inserts of webhooks that arrive together go to
// PostgreSQL as one multi-row statement, and so do the published_at marks after broker confirms. Each
// batch is a single statement, so it commits whole or not at all.
import { Batcher, isDataException, isForeignKeyViolation } from '@hookway/db';
import type { EventStore, ExistingEvent, NewEvent } from '../domain/webhook-intake.js';
import type { EventRepository } from './event.repository.js';

export interface BatchedEventStoreOptions {
  /** Most rows in one statement. */
  maxBatchSize: number;
  /** Insert statements running at once; each holds a pool connection. */
  insertsInFlight: number;
  /** Mark statements running at once; each holds a pool connection. */
  marksInFlight: number;
  /**
   * How long a mark that finds none under way waits for others (Batcher lingerMs): nobody waits on a mark
   * but the outbox relay, which leaves an event alone for far longer.
   */
  marksLingerMs?: number;
  /** Called with the number of events in each insert statement. */
  onInsertBatch?: (size: number) => void;
}

export class BatchedEventStore implements EventStore {
  private readonly inserts: Batcher<NewEvent, boolean>;
  private readonly marks: Batcher<string, void>;

  constructor(private readonly events: EventRepository, options: BatchedEventStoreOptions) {
    const { maxBatchSize, insertsInFlight, marksInFlight, marksLingerMs = 0, onInsertBatch } = options;
    this.inserts = new Batcher(
      (batch) => {
        onInsertBatch?.(batch.length);
        return events.insertAllIfNew(batch);
      },
      // A value PostgreSQL refuses, or an event of a workspace deleted a moment before, fails the whole
      // statement: the batch is retried row by row, so only the request that carries it is refused.
      { maxSize: maxBatchSize, maxInFlight: insertsInFlight, retryAlone: (error) => isDataException(error) || isForeignKeyViolation(error) },
    );
    this.marks = new Batcher(
      async (ids) => {
        await events.markPublished(ids);
        return ids.map(() => undefined);
      },
      { maxSize: maxBatchSize, maxInFlight: marksInFlight, lingerMs: marksLingerMs },
    );
  }

  /** Webhooks waiting for their INSERT (queued, or in a statement under way). */
  get insertsPending(): number {
    return this.inserts.pending;
  }

  insertIfNew(event: NewEvent): Promise<boolean> {
    return this.inserts.add(event);
  }

  findByExternalId(provider: string, externalId: string): Promise<ExistingEvent | undefined> {
    return this.events.findByExternalId(provider, externalId);
  }

  async markPublished(ids: readonly string[]): Promise<void> {
    await Promise.all(ids.map((id) => this.marks.add(id, { linger: true })));
  }

  /** Resolves once every insert and mark queued so far has been written (or has failed). */
  async drain(): Promise<void> {
    await this.inserts.drain();
    await this.marks.drain();
  }
}
