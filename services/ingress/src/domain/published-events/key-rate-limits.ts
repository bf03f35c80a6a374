// Per-key rate limits of the publish API: the source limiter's token bucket, one per API key that has a
// limit, in this replica, holding the replica's share of the key's limit (limit / INGRESS_REPLICAS), as a
// source's limit does. No shared counter: exact only while the load balancer spreads a key's requests evenly.
import { replicaShare, TokenBucket, type RateDecision } from '../sources/rate-limiter.js';

export interface KeyRateDecision extends RateDecision {
  /** The bucket's size in this replica: RateLimit-Limit. */
  limit: number;
}

/** How many keys' buckets one replica keeps; the least recently made goes first (it refills: lenient, never strict). */
const MAX_BUCKETS = 10_000;

export class KeyRateLimits {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly replicas: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes a token from the key's bucket. A changed limit starts a new, full bucket. */
  take(keyId: string, limit: { perSecond: number; burst: number }): KeyRateDecision {
    const share = replicaShare(limit, this.replicas);
    const id = `${keyId}:${share.perSecond}:${share.burst}`;
    let bucket = this.buckets.get(id);
    if (!bucket) {
      if (this.buckets.size >= MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value as string);
      bucket = new TokenBucket(share.perSecond, share.burst, this.now);
      this.buckets.set(id, bucket);
    }
    return { ...bucket.take(), limit: share.burst };
  }
}
