// When a failed attempt is tried again. The schedule is data (RETRY_SCHEDULE): attempt n failed →
// wait schedule[n-1] before attempt n+1, so a job has 1 + schedule.length attempts in all.
//
// Waits happen in RabbitMQ retry queues with a queue-level TTL, one queue per distinct delay of the
// schedule (per-message TTL would block behind the head of the queue). So a wait can only ever be
// one of those tier delays: a subscriber's Retry-After is rounded UP to the smallest tier that is at
// least as long, and when it asks for more than the largest tier, the largest tier is all we can give
// (the next attempt then comes earlier than it asked, and counts as an attempt like any other).
// Retry-After only ever lengthens the wait: the schedule's own delay for that attempt is the floor,
// so a subscriber answering "Retry-After: 0" cannot make us burn through its attempts at once.

export interface RetryPlan {
  /** The attempt to make next. */
  attempt: number;
  /** One of the tier delays. */
  delayMs: number;
}

export class RetryPolicy {
  /** The distinct delays of the schedule, ascending: one retry queue each. */
  readonly tiersMs: readonly number[];

  constructor(readonly scheduleMs: readonly number[]) {
    this.tiersMs = [...new Set(scheduleMs)].sort((a, b) => a - b);
  }

  /** The first attempt plus one per delay of the schedule. */
  get maxAttempts(): number {
    return 1 + this.scheduleMs.length;
  }

  /**
   * After attempt `failedAttempt` failed in a way worth retrying: the next attempt and its wait, or
   * undefined when the job has used its `maxAttempts` (stored on the job when it was created).
   */
  nextAttempt(failedAttempt: number, maxAttempts: number, retryAfterMs?: number): RetryPlan | undefined {
    if (failedAttempt >= maxAttempts || this.scheduleMs.length === 0) return undefined;
    // A job created under a longer schedule keeps its own maxAttempts and waits the last delay.
    const scheduled = this.scheduleMs[Math.min(failedAttempt, this.scheduleMs.length) - 1]!;
    const wanted = retryAfterMs === undefined ? scheduled : Math.max(scheduled, retryAfterMs);
    return { attempt: failedAttempt + 1, delayMs: this.tierFor(wanted) };
  }

  /** The smallest tier delay ≥ ms, or the largest tier when none is that long. */
  tierFor(ms: number): number {
    const largest = this.tiersMs[this.tiersMs.length - 1];
    if (largest === undefined) throw new Error('the retry schedule is empty: there is no retry tier');
    return this.tiersMs.find((tier) => tier >= ms) ?? largest;
  }
}
