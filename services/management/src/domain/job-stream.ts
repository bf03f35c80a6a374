// The feed behind GET /stream: job and attempt updates (the job facts of the audit log) fanned out to every
// connected client whose filter matches. Each update carries its position in the log, so a client that
// comes back with the last position it saw is sent what it missed (the newest `resumeWindow` of it, with a
// notice when that cut older facts off), then the live updates, in order and each once.
// The log is followed (polled) only while a client is connected; a client that goes away is forgotten at once.
// A client narrowed to a workspace is sent only the facts of that workspace's jobs.

export interface JobUpdate {
  /** The fact's routing key: job.delivered, job.retry_scheduled, job.dead_lettered, job.retry_requested, ... */
  type: string;
  /** The position in the audit log (the SSE id): grows with every fact, across replicas and restarts. */
  id: string;
  /** The audit fact's own id. */
  factId: string;
  jobId: string;
  eventId: string | null;
  integrationId: string | null;
  /** The workspace of the job (its integration's); null when it can no longer be told (the integration is gone). */
  workspaceId: string | null;
  attempt: number | null;
  statusCode: number | null;
  latencyMs: number | null;
  errorCode: string | null;
  occurredAt: string;
}

export interface StreamFilter {
  /** Only this workspace's jobs: the caller's narrowing, or an operator's choice. */
  workspaceId?: string;
  integrationId?: string;
  eventId?: string;
}

/**
 * Told to a resuming client whose missed facts outnumbered the window: facts after `lastEventId` and before
 * `replayedFrom` (the first one sent after the notice; null when the window is 0) were left out.
 */
export interface MissedNotice {
  lastEventId: string;
  replayedFrom: string | null;
  window: number;
}

export type StreamMessage = { kind: 'update'; update: JobUpdate } | { kind: 'missed'; notice: MissedNotice };

/** The job facts, by position (see JobFactRepository). */
export interface JobFactSource {
  /** The newest position in the log (0 when it is empty): where a client without a position starts. */
  latestPosition(): Promise<number>;
  /** Job facts after `position`, oldest first, at most `limit`. */
  after(position: number, limit: number): Promise<JobUpdate[]>;
  /** The newest `limit` matching job facts in (after, upTo], oldest first, and whether older ones were left out. */
  window(after: number, upTo: number, filter: StreamFilter, limit: number): Promise<{ updates: JobUpdate[]; truncated: boolean }>;
}

export interface JobStreamOptions {
  /** How often the log is read for new facts while anyone is connected. */
  pollIntervalMs: number;
  /** Most missed facts replayed to a resuming client. */
  resumeWindow: number;
  /** Most facts read at once while following. */
  batchSize?: number;
  /** A read of the log failed while following; the next poll tries again from the same position. */
  onPollError?(error: unknown): void;
}

export interface Subscription {
  /** Starts sending: the notice and missed facts, if any, then live updates. Until then they are held. */
  start(send: (message: StreamMessage) => void): void;
  /** Forgets the client. */
  close(): void;
}

const matches = (filter: StreamFilter, update: JobUpdate): boolean =>
  (!filter.workspaceId || filter.workspaceId === update.workspaceId)
  && (!filter.integrationId || filter.integrationId === update.integrationId) && (!filter.eventId || filter.eventId === update.eventId);

class Client {
  private held: StreamMessage[] | undefined = [];
  private send: ((message: StreamMessage) => void) | undefined;

  /** `position`: the newest fact the client has (or is being sent); live facts at or before it are skipped. */
  constructor(readonly filter: StreamFilter, private position: number) {}

  offer(update: JobUpdate): void {
    const position = Number(update.id);
    if (position <= this.position || !matches(this.filter, update)) return;
    this.position = position;
    this.deliver({ kind: 'update', update });
  }

  /** What it missed goes before anything live that arrived while it was being read. */
  missed(messages: StreamMessage[]): void {
    if (this.held) this.held.unshift(...messages);
  }

  start(send: (message: StreamMessage) => void): void {
    const held = this.held ?? [];
    this.held = undefined;
    this.send = send;
    for (const message of held) send(message);
  }

  private deliver(message: StreamMessage): void {
    if (this.held) this.held.push(message);
    else this.send?.(message);
  }
}

/** Reads the log from a position onwards on a timer, handing each new fact to `publish`. */
class Follower {
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> = Promise.resolve();
  private stopped = false;

  private constructor(
    private readonly source: JobFactSource,
    private readonly options: JobStreamOptions,
    private readonly publish: (update: JobUpdate) => void,
    public position: number,
  ) {}

  static async start(source: JobFactSource, options: JobStreamOptions, publish: (update: JobUpdate) => void): Promise<Follower> {
    const follower = new Follower(source, options, publish, await source.latestPosition());
    follower.schedule();
    return follower;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.polling = this.poll().finally(() => this.schedule());
    }, this.options.pollIntervalMs);
  }

  private async poll(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    try {
      for (;;) {
        const updates = await this.source.after(this.position, batchSize);
        for (const update of updates) {
          this.position = Number(update.id);
          this.publish(update);
        }
        if (updates.length < batchSize || this.stopped) return;
      }
    } catch (error) {
      this.options.onPollError?.(error);
    }
  }
}

/**
 * The connected clients, and the log followed only while there is one: an idle management service
 * reads nothing.
 */
export class JobStream {
  private readonly clients = new Set<Client>();
  /** Clients waiting for the log to be followed before they count. */
  private joining = 0;
  /** Serialises starting and stopping; resolves with the follower while following. */
  private following: Promise<Follower | undefined> = Promise.resolve(undefined);

  constructor(private readonly source: JobFactSource, private readonly options: JobStreamOptions) {}

  get size(): number {
    return this.clients.size;
  }

  /**
   * Registers a client once the log is followed, so every fact recorded after this resolves reaches it,
   * and, given the last position it saw, reads what it missed. Rejects when the log cannot be read.
   */
  async subscribe(filter: StreamFilter, lastEventId?: number): Promise<Subscription> {
    this.joining += 1;
    let follower: Follower | undefined;
    try {
      this.reconcile();
      follower = await this.following;
    } finally {
      this.joining -= 1;
    }
    if (!follower) throw new Error('the job facts are not followed');
    // Registered in the same turn as the follower's position is read: facts after upTo come live, the
    // ones up to it from the window.
    const upTo = follower.position;
    const client = new Client(filter, Math.max(upTo, lastEventId ?? upTo));
    this.clients.add(client);
    const close = (): void => {
      if (this.clients.delete(client)) this.reconcile();
    };
    if (lastEventId !== undefined && lastEventId < upTo) {
      try {
        const { updates, truncated } = await this.source.window(lastEventId, upTo, filter, this.options.resumeWindow);
        const messages: StreamMessage[] = updates.map((update) => ({ kind: 'update', update }));
        if (truncated) {
          const notice = { lastEventId: String(lastEventId), replayedFrom: updates[0]?.id ?? null, window: this.options.resumeWindow };
          messages.unshift({ kind: 'missed', notice });
        }
        client.missed(messages);
      } catch (error) {
        close();
        throw error;
      }
    }
    return { start: (send) => client.start(send), close };
  }

  /** Resolves once the log is no longer read, after the last client left (the service stops after this). */
  async idle(): Promise<void> {
    await this.following.catch(() => undefined);
  }

  private publish(update: JobUpdate): void {
    for (const client of this.clients) client.offer(update);
  }

  /** Follows the log while anyone is connected or joining, and stops once nobody is. */
  private reconcile(): void {
    // A step that failed (the log could not be read) fails only the subscribe awaiting it; the next
    // step starts from "not following", and a failure nobody awaits is not an unhandled rejection.
    const step = this.following.catch(() => undefined).then(async (follower) => {
      const wanted = this.clients.size + this.joining > 0;
      if (wanted && !follower) return Follower.start(this.source, this.options, (update) => this.publish(update));
      if (!wanted && follower) {
        await follower.stop();
        return undefined;
      }
      return follower;
    });
    step.catch(() => undefined);
    this.following = step;
  }
}
