// Load shedding for the webhook and publish routes. Each webhook in hand costs memory several times its body (the
// raw bytes, the decoded text, the parsed JSON, the row being written). Without a bound, providers
// sending large bodies faster than PostgreSQL takes them grew ingress until V8 ran out of heap and
// the process died with every request in hand. The budget admits a webhook before its body is read
// only while the body bytes in hand stay within the limit; beyond it the answer is 503 with
// `retry-after`, which providers retry, and nothing is stored.
import type { RequestHandler } from 'express';
import { unavailable } from '@hookway/http';

export class InflightBudget {
  private used = 0;

  constructor(
    private readonly limitBytes: number,
    /** What a body without a usable Content-Length (chunked) may still grow to. */
    private readonly maxBodyBytes: number,
  ) {}

  /** Body bytes of the webhooks being handled now. */
  get inUse(): number {
    return this.used;
  }

  /** Admits the request or answers 503; the bytes it took are given back when its response closes. */
  admit<P extends Record<string, string> = Record<string, string>>(onRefused: (params: P) => void = () => undefined): RequestHandler<P> {
    return (req, res, next) => {
      const cost = this.costOf(req.headers['content-length']);
      // One webhook is always admitted, however large: the limit bounds concurrency, never a single body.
      if (this.used > 0 && this.used + cost > this.limitBytes) {
        onRefused(req.params);
        next(unavailable('ingress has as many webhooks in hand as it may hold; retry shortly'));
        return;
      }
      this.used += cost;
      res.once('close', () => {
        this.used -= cost;
      });
      next();
    };
  }

  private costOf(contentLength: string | undefined): number {
    const declared = contentLength === undefined ? Number.NaN : Number(contentLength);
    // A body declared larger than the limit is refused (413) before it is read.
    return Number.isSafeInteger(declared) && declared >= 0 ? Math.min(declared, this.maxBodyBytes) : this.maxBodyBytes;
  }
}
