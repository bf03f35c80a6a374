// Group commit: concurrent callers each ask for one small write, and the writes that arrive together
// go to PostgreSQL as one statement (or one transaction). Under load this turns N commits and N round
// trips into one; when idle a lone write goes out at once (the flush waits only for the callers that
// arrived in the same turn of the event loop, never for a timer). While `maxInFlight` batches are
// running, new items queue up, so batches grow exactly when the database is the bottleneck.
//
// A write off the latency path (a bookkeeping mark, an audit fact) may linger: an item added with
// `{ linger: true }` that finds the writer at rest waits `lingerMs` for companions. On a quiet system that
// turns one commit or message per item into one per linger window; under load nothing changes, as a batch
// is always in flight and the next one forms behind it. Only items from independent callers should linger:
// a caller that awaits its items one after the other would wait the linger out for each, so the default
// (and any item that does not linger) sends the queue on at once.

/** Writes a batch; resolves with one result per item, in the items' order. */
export type BatchWriter<Item, Result> = (items: Item[]) => Promise<Result[]>;

export interface BatcherOptions {
  /** Most items in one batch. */
  maxSize: number;
  /** Batches running at once (at most the pool's connections that may go to this writer). */
  maxInFlight?: number;
  /**
   * When a whole batch fails, decides whether each item is tried again alone: one bad item (a value
   * PostgreSQL refuses) then fails only its own caller. Without it every caller gets the batch's error.
   */
  retryAlone?: (error: unknown) => boolean;
  /**
   * Milliseconds an item added with `{ linger: true }` that finds nothing queued or in flight waits for
   * others before its batch goes (0, the default: it goes in the same turn of the event loop). Only for
   * writes nobody waits on to go on: the callers' promises resolve that much later.
   */
  lingerMs?: number;
}

interface Pending<Item, Result> {
  item: Item;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

export class Batcher<Item, Result> {
  private queue: Array<Pending<Item, Result>> = [];
  private inFlight = 0;
  private outstanding = 0;
  private flushScheduled = false;
  private lingering?: NodeJS.Timeout;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly write: BatchWriter<Item, Result>,
    private readonly options: BatcherOptions,
  ) {
    if (options.maxSize < 1) throw new Error('maxSize must be at least 1');
  }

  /** Items added and not yet written (queued, or in a batch under way): a gauge of the write backlog. */
  get pending(): number {
    return this.outstanding;
  }

  /** `linger`: the item may wait `lingerMs` for company (see above); an item that does not ends any linger. */
  add(item: Item, { linger = false }: { linger?: boolean } = {}): Promise<Result> {
    const result = new Promise<Result>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.options.maxSize) this.flush();
      else this.scheduleFlush(linger);
    });
    this.outstanding += 1;
    // Registered before the caller's own handlers, so the count is down by the time the caller resumes.
    const settled = (): void => {
      this.outstanding -= 1;
    };
    result.then(settled, settled);
    return result;
  }

  /** Resolves once every batch started so far, and every item queued so far, has been written. */
  async drain(): Promise<void> {
    this.flush();
    while (this.running.size > 0 || this.queue.length > 0) {
      await Promise.allSettled([...this.running]);
      this.flush();
    }
  }

  private scheduleFlush(linger: boolean): void {
    // An item that may not wait sends a lingering queue on.
    if (!linger && this.lingering) this.endLinger();
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    const go = (): void => {
      this.flushScheduled = false;
      this.flush();
    };
    const { lingerMs = 0 } = this.options;
    // A batch in flight flushes the queue when it ends: the linger only applies to a writer at rest.
    if (linger && lingerMs > 0 && this.inFlight === 0) this.lingering = setTimeout(go, lingerMs);
    else setImmediate(go);
  }

  private endLinger(): void {
    clearTimeout(this.lingering);
    this.lingering = undefined;
    this.flushScheduled = false;
  }

  private flush(): void {
    // Whatever flushes first (a full batch, a drain, a batch's end) ends the linger: it takes the queue now.
    if (this.lingering) this.endLinger();
    const maxInFlight = this.options.maxInFlight ?? 1;
    while (this.queue.length > 0 && this.inFlight < maxInFlight) {
      const batch = this.queue.splice(0, this.options.maxSize);
      this.inFlight += 1;
      const run = this.run(batch).finally(() => {
        this.inFlight -= 1;
        this.running.delete(run);
        // What queued while this batch ran goes next, at once: it has already waited a round trip.
        this.flush();
      });
      this.running.add(run);
    }
  }

  private async run(batch: Array<Pending<Item, Result>>): Promise<void> {
    try {
      const results = await this.write(batch.map((pending) => pending.item));
      if (results.length !== batch.length) {
        throw new Error(`batch writer returned ${results.length} results for ${batch.length} items`);
      }
      batch.forEach((pending, index) => pending.resolve(results[index] as Result));
    } catch (error) {
      if (batch.length > 1 && this.options.retryAlone?.(error)) {
        // One after the other: a batch of hundreds must not ask the pool for hundreds of connections.
        for (const pending of batch) await this.run([pending]);
        return;
      }
      for (const pending of batch) pending.reject(error);
    }
  }
}
