// The sources this replica serves, held in memory so a webhook costs no PostgreSQL round trip to find its
// source. Reloaded whole (the table is small) when PostgreSQL notifies a change at commit, after every
// reconnect of that notification stream, and every refresh interval in case a notification was missed;
// reloads that are asked for while one runs are folded into one more.
import { PUBLISHED_EVENT_PROVIDER, type SourceMapping, type SourceRateLimit, type SourceState, type VerifierConfig } from '@hookway/contracts';
import { errorFields, type Logger } from '@hookway/logger';
import { secretHeaderNames } from '../header-snapshot.js';
import type { ProviderLookup, WebhookProvider } from '../providers/provider.js';
import { compileSource } from './compile-source.js';
import { replicaShare, TokenBucket } from './rate-limiter.js';

/** A source as stored, its secrets still sealed. */
export interface SourceRecord {
  id: string;
  key: string;
  workspaceId: string;
  verifier: VerifierConfig;
  mapping: SourceMapping;
  state: SourceState;
  rateLimit: SourceRateLimit | null;
  secretSealed: string | null;
  previousSecretSealed: string | null;
  previousSecretExpiresAt: Date | null;
}

export interface SourceReader {
  listAll(): Promise<SourceRecord[]>;
}

export interface SourceCatalogDeps {
  reader: SourceReader;
  openSecret(sealed: string): string;
  /** Secrets of the built-in sources whose rows hold none (from configuration). */
  builtinSecrets: ReadonlyMap<string, string>;
  replicas: number;
  refreshIntervalMs: number;
  logger: Logger;
  /** Served until the first load succeeds, so ingress starts (and answers 503, not 404) while PostgreSQL is down. */
  fallback: readonly WebhookProvider[];
}

export class SourceCatalog implements ProviderLookup {
  private byKey: ReadonlyMap<string, WebhookProvider> = new Map();
  private secret: ReadonlySet<string> = secretHeaderNames([]);
  /** Buckets survive reloads while the source's limit is unchanged, so a reload never refills them. */
  private buckets = new Map<string, TokenBucket>();
  private running?: Promise<void>;
  private again = false;
  private timer?: NodeJS.Timeout;
  private generation = 0;

  constructor(private readonly deps: SourceCatalogDeps) {}

  get(name: string): WebhookProvider | undefined {
    return this.byKey.get(name);
  }

  secretHeaders(): ReadonlySet<string> {
    return this.secret;
  }

  /** How many reloads have completed: tests wait on it instead of sleeping. */
  get loads(): number {
    return this.generation;
  }

  /**
   * Loads once, then keeps reloading every interval. When PostgreSQL cannot be read at start the built-in
   * sources serve (their secrets come from configuration) until a reload succeeds.
   */
  async start(): Promise<void> {
    try {
      await this.load();
    } catch (error) {
      this.deps.logger.warn('could not load the sources; serving the built-in ones until PostgreSQL answers', errorFields(error));
      this.byKey = new Map(this.deps.fallback.map((provider) => [provider.name, provider]));
      this.secret = secretHeaderNames(this.deps.fallback.flatMap((provider) => provider.secretHeaders));
    }
    this.timer = setInterval(() => this.refresh(), this.deps.refreshIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.again = false;
    await this.running;
  }

  /** Asks for a reload; a failed one is logged and the previous sources keep serving. */
  refresh(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.load()
      .catch((error: unknown) => this.deps.logger.warn('could not reload the sources; serving the previous ones', errorFields(error)))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.refresh();
        }
      });
  }

  private async load(): Promise<void> {
    const records = await this.deps.reader.listAll();
    const byKey = new Map<string, WebhookProvider>();
    const buckets = new Map<string, TokenBucket>();
    for (const record of records) {
      // Events of provider `api` are the ones workspaces publish themselves; a source by that name would
      // let its senders pass for a workspace's own application. Management refuses the key; this is the backstop.
      if (record.key === PUBLISHED_EVENT_PROVIDER) {
        this.deps.logger.error('source cannot be served: its key is reserved for published events', { source: record.key });
        continue;
      }
      try {
        byKey.set(record.key, this.compile(record, buckets));
      } catch (error) {
        // A row this build cannot run (a secret sealed under another key, say) is not served, and says so.
        this.deps.logger.error('source cannot be served', { source: record.key, ...errorFields(error) });
      }
    }
    this.byKey = byKey;
    this.buckets = buckets;
    this.secret = secretHeaderNames([...byKey.values()].flatMap((provider) => provider.secretHeaders));
    this.generation += 1;
  }

  private compile(record: SourceRecord, buckets: Map<string, TokenBucket>): WebhookProvider {
    const current = record.secretSealed !== null ? this.deps.openSecret(record.secretSealed) : this.deps.builtinSecrets.get(record.key);
    const previous = record.previousSecretSealed !== null ? this.deps.openSecret(record.previousSecretSealed) : undefined;
    let rateLimiter: TokenBucket | undefined;
    if (record.rateLimit) {
      const share = replicaShare(record.rateLimit, this.deps.replicas);
      const id = `${record.id}:${share.perSecond}:${share.burst}`;
      rateLimiter = this.buckets.get(id) ?? new TokenBucket(share.perSecond, share.burst);
      buckets.set(id, rateLimiter);
    }
    return compileSource(record, {
      ...(current === undefined ? {} : { current }),
      ...(previous === undefined ? {} : { previous }),
      previousExpiresAt: record.previousSecretExpiresAt,
    }, rateLimiter ? { rateLimiter } : {});
  }
}
