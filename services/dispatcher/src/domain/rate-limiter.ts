// Delivery pacing: an integration's rate limit, shared by every dispatcher replica, and a receiver's
// 429 retry-after honoured for the whole integration. Runs before a job is claimed, so a job held back
// uses none of its attempts. A job over the limit reserves the next slot of the shared budget (one
// upsert, PacingStore.reserve) and waits for it in the pacing delay queues, acked at once, so it holds
// no prefetch slot; it comes back with its slot in `notBefore` and is delivered then without reserving
// again (unless it missed the slot by more than an interval: then it reserves a new one). Only the last
// stretch of a wait, shorter than the smallest pacing queue, is waited in process.
import type { JobMessage, JobPublishOptions } from '@hookway/contracts';

export interface RateLimitSettings {
  perSecond: number;
  burst: number;
}

export interface PacingSettings {
  rateLimit: RateLimitSettings | null;
  /** How much longer a receiver's retry-after holds the integration (0: not paused). */
  pausedForMs: number;
}

export interface PacingStore {
  /** Undefined when the integration does not exist. */
  settings(integrationId: string): Promise<PacingSettings | undefined>;
  /** Reserves the next `count` slots of the integration's budget; answers how long until each (0: now), in order. */
  reserve(integrationId: string, count: number, intervalMs: number, toleranceMs: number): Promise<number[]>;
  /** No slot of the integration before `forMs` from now. */
  pause(integrationId: string, forMs: number): Promise<void>;
}

export interface PacingPublisher {
  /**
   * Through the pacing queue of `delayMs` (one of `tiersMs`), back to the jobs queue when it expires.
   * `takeover`: the held message was a redelivery, and its copy may still take its attempt over.
   */
  publishPaced(message: JobMessage, delayMs: number, correlationId: string, options?: JobPublishOptions): Promise<void>;
}

export interface DeliveryPacerDeps {
  store: PacingStore;
  publisher: PacingPublisher;
  /** The pacing queues' delays. */
  tiersMs: readonly number[];
  /** How long an integration's settings are reused before they are read again. */
  settingsTtlMs?: number;
  /** The longest retry-after honoured for a whole integration. */
  maxPauseMs?: number;
  now?: () => number;
  /** Waits in process for a slot due sooner than the shortest pacing queue (tests stall it). */
  sleep?: (ms: number) => Promise<void>;
  /** Told about every job held back (metrics). */
  onDeferred?(reason: 'rate_limit' | 'retry_after'): void;
}

export type Admission = 'deliver' | 'deferred';

interface KnownSettings {
  rateLimit: RateLimitSettings | null;
  /** Local clock; no pause when in the past. */
  pausedUntil: number;
}

interface CachedSettings {
  settings: Promise<KnownSettings | undefined>;
  fetchedAt: number;
  /** A read of newer settings is in flight; these keep serving until it lands. */
  refreshing: boolean;
}

/**
 * The generic cell rate algorithm's slots for `count` requests made together, as waits from now: with
 * a theoretical arrival time tat, a request may go at max(now, tat - tolerance) (tolerance = burst - 1
 * intervals) and moves tat to max(tat, now) + interval. The first request starts from the stored value;
 * the later ones from max(stored, now, pause) + i intervals, which is what the reserving statement stores.
 * A receiver's pause holds every slot until it ends.
 */
export function reservedSlots(
  read: { previousMs: number; nowMs: number; pausedUntilMs: number }, count: number, intervalMs: number, toleranceMs: number,
): number[] {
  const { previousMs, nowMs, pausedUntilMs } = read;
  const base = Math.max(previousMs, nowMs, pausedUntilMs);
  const waits: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const arrival = index === 0 ? previousMs : base + index * intervalMs;
    waits.push(Math.max(0, Math.max(nowMs, pausedUntilMs, arrival - toleranceMs) - nowMs));
  }
  return waits;
}

/** A slot is missed when its job comes back more than one interval after it. */
export function isLate(notBefore: number, now: number, rateLimit: RateLimitSettings | null): boolean {
  return rateLimit !== null && now - notBefore > 1_000 / rateLimit.perSecond;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class DeliveryPacer {
  private readonly cache = new Map<string, CachedSettings>();
  /** Reservations waiting for the statement in flight for their integration; taken together by the next one. */
  private readonly waiting = new Map<string, { requests: Array<{ resolve(wait: number): void; reject(error: unknown): void }>; running: boolean }>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly settingsTtlMs: number;
  private readonly maxPauseMs: number;
  private readonly tiersMs: number[];

  constructor(private readonly deps: DeliveryPacerDeps) {
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? sleep;
    this.settingsTtlMs = deps.settingsTtlMs ?? 1_000;
    this.maxPauseMs = deps.maxPauseMs ?? 3_600_000;
    this.tiersMs = [...deps.tiersMs].sort((a, b) => a - b);
  }

  /**
   * Whether the job may be delivered now; when not, it has been republished to wait for its slot.
   * `takeover`: the message may take over an attempt a consumer that is gone had claimed (RabbitMQ
   * redelivered it); the copy held back keeps that right, or its claim would be refused and the job left
   * to the sweeper's lease.
   */
  async admit(message: JobMessage, correlationId: string, { takeover = false }: JobPublishOptions = {}): Promise<Admission> {
    const settings = await this.settingsOf(message.integrationId);
    if (!settings) return 'deliver';
    const now = this.now();
    const paused = settings.pausedUntil > now;
    // A reserved slot is kept, unless a receiver has since asked for a pause that outlasts it, or the job
    // comes back more than one interval after its slot (a slow queue, a busy replica): sent now, it would
    // go out together with the jobs holding the next slots, over the budget. It reserves a new slot instead.
    if (message.notBefore !== undefined && (!paused || message.notBefore >= settings.pausedUntil)
      && !isLate(message.notBefore, now, settings.rateLimit)) {
      return this.waitUntil(message, message.notBefore, correlationId, takeover);
    }
    if (settings.rateLimit === null) {
      if (!paused) return 'deliver';
      this.deps.onDeferred?.('retry_after');
      return this.waitUntil(message, settings.pausedUntil, correlationId, takeover);
    }
    const delayMs = await this.reserve(message.integrationId, settings.rateLimit);
    if (delayMs <= 0) return 'deliver';
    this.deps.onDeferred?.(paused ? 'retry_after' : 'rate_limit');
    return this.waitUntil(message, this.now() + delayMs, correlationId, takeover);
  }

  /**
   * Whether a job of the integration would be delivered at once with nothing to reserve: known, no rate
   * limit, no receiver's pause (the settings as admit reads them, cached). Its first attempt may then be
   * claimed as its job is created (first-attempts.ts) instead of passing through admit.
   */
  async admitsAtOnce(integrationId: string): Promise<boolean> {
    const settings = await this.settingsOf(integrationId);
    return settings !== undefined && settings.rateLimit === null && settings.pausedUntil <= this.now();
  }

  /** A receiver answered 429 with retry-after: no delivery to the integration, from any replica, before it passes. */
  async pause(integrationId: string, retryAfterMs: number): Promise<void> {
    const forMs = Math.min(retryAfterMs, this.maxPauseMs);
    if (forMs <= 0) return;
    await this.deps.store.pause(integrationId, forMs);
    this.cache.delete(integrationId);
  }

  /**
   * One slot of the integration's budget. The reservations of one integration made while its statement
   * is in flight go together in the next one: a burst of jobs costs one or two statements, not one
   * each serialised on the row lock, holding pool connections the claims need.
   */
  private reserve(integrationId: string, rateLimit: RateLimitSettings): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      let queue = this.waiting.get(integrationId);
      if (!queue) {
        queue = { requests: [], running: false };
        this.waiting.set(integrationId, queue);
      }
      queue.requests.push({ resolve, reject });
      if (!queue.running) void this.drainReservations(integrationId, queue, rateLimit);
    });
  }

  private async drainReservations(
    integrationId: string,
    queue: { requests: Array<{ resolve(wait: number): void; reject(error: unknown): void }>; running: boolean },
    rateLimit: RateLimitSettings,
  ): Promise<void> {
    queue.running = true;
    const intervalMs = 1_000 / rateLimit.perSecond;
    while (queue.requests.length > 0) {
      const batch = queue.requests.splice(0, 1_000);
      try {
        const waits = await this.deps.store.reserve(integrationId, batch.length, intervalMs, (rateLimit.burst - 1) * intervalMs);
        batch.forEach((request, index) => request.resolve(waits[index]!));
      } catch (error) {
        batch.forEach((request) => request.reject(error));
      }
    }
    queue.running = false;
    this.waiting.delete(integrationId);
  }

  private async waitUntil(message: JobMessage, notBefore: number, correlationId: string, takeover: boolean): Promise<Admission> {
    const remaining = notBefore - this.now();
    if (remaining <= 0) return 'deliver';
    const tier = [...this.tiersMs].reverse().find((delay) => delay <= remaining);
    if (tier === undefined) {
      await this.sleep(remaining);
      // A stalled event loop wakes this sleeper late, together with the jobs holding the next slots: one
      // that woke more than an interval after its slot reserves a new one instead of going out with them.
      const settings = await this.settingsOf(message.integrationId);
      if (settings && isLate(notBefore, this.now(), settings.rateLimit)) {
        const { notBefore: _missed, ...unslotted } = message;
        return this.admit(unslotted, correlationId, { takeover });
      }
      return 'deliver';
    }
    await this.deps.publisher.publishPaced({ ...message, notBefore: Math.ceil(notBefore) }, tier, correlationId, { takeover });
    return 'deferred';
  }

  /**
   * The integration's settings as last read. Once they are older than the TTL they are read again in the
   * background while the known ones keep serving, so a delivery waits for the read only the first time an
   * integration is seen (a change is still seen within about one TTL, as before; a receiver's 429 drops
   * the entry, so the pause is read at once).
   */
  private async settingsOf(integrationId: string): Promise<KnownSettings | undefined> {
    const now = this.now();
    const cached = this.cache.get(integrationId);
    if (cached && (now - cached.fetchedAt < this.settingsTtlMs || cached.refreshing)) return cached.settings;
    const read = this.deps.store.settings(integrationId).then((found) => found && {
      rateLimit: found.rateLimit, pausedUntil: this.now() + found.pausedForMs,
    });
    if (!cached) {
      this.cache.set(integrationId, { settings: read, fetchedAt: now, refreshing: false });
      // A failed first read is not kept: the next message reads again.
      read.catch(() => this.cache.delete(integrationId));
      if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
      return read;
    }
    cached.refreshing = true;
    read.then(
      (fresh) => {
        // Unless a receiver's pause dropped the entry meanwhile: this read may predate the pause.
        if (this.cache.get(integrationId) === cached) {
          this.cache.set(integrationId, { settings: Promise.resolve(fresh), fetchedAt: this.now(), refreshing: false });
        }
      },
      () => {
        cached.refreshing = false;
      },
    );
    return cached.settings;
  }
}
