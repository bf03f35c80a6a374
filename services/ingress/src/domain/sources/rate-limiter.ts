// A source's ingest limit as a token bucket in this replica, refilled at the source's rate divided by the
// replica count: no shared counter on the hot path (a PostgreSQL round trip per webhook would cost more than
// the webhook itself), at the price of a limit that is exact only while the load balancer spreads evenly.

export interface RateDecision {
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Seconds until a token is available again (0 when allowed). */
  retryAfterSeconds: number;
  /** Seconds until the bucket is full again (0 when it is full). */
  resetSeconds: number;
}

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.updatedAt = now();
  }

  take(): RateDecision {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.perSecond);
    this.updatedAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { allowed: true, remaining: Math.floor(this.tokens), retryAfterSeconds: 0, resetSeconds: this.secondsUntilFull() };
    }
    return {
      allowed: false,
      remaining: 0,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - this.tokens) / this.perSecond)),
      resetSeconds: this.secondsUntilFull(),
    };
  }

  private secondsUntilFull(): number {
    return Math.ceil((this.burst - this.tokens) / this.perSecond);
  }
}

/** One replica's share of a limit set for all of them; never below one request per second or one of burst. */
export function replicaShare(limit: { perSecond: number; burst: number }, replicas: number): { perSecond: number; burst: number } {
  return { perSecond: Math.max(limit.perSecond / replicas, 1e-3), burst: Math.max(1, Math.floor(limit.burst / replicas)) };
}
