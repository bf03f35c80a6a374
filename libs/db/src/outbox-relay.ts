// Transactional outbox relay: rows committed but not yet confirmed by the broker are published again.
// Rows are claimed with FOR UPDATE SKIP LOCKED, so several replicas relay without double work; a row
// counts as published only after the broker confirmed it. Consumers are idempotent, so the rare
// republish of a row whose confirm was lost is harmless.
import type { Knex } from 'knex';
import { errorFields, type Logger } from '@hookway/logger';

export interface OutboxSource<Row> {
  /** Unpublished rows older than `olderThan` (leave in-flight fast-path publishes alone), locked. */
  claim(trx: Knex.Transaction, limit: number, olderThan: Date): Promise<Row[]>;
  publish(row: Row): Promise<void>;
  markPublished(trx: Knex.Transaction, rows: Row[]): Promise<void>;
}

export interface OutboxRelayOptions {
  db: Knex;
  logger: Logger;
  name: string;
  intervalMs: number;
  /** How old an unpublished row must be before the relay takes it over from the request that wrote it. */
  graceMs?: number;
  batchSize?: number;
}

export class OutboxRelay<Row> {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopped = false;

  constructor(
    private readonly source: OutboxSource<Row>,
    private readonly options: OutboxRelayOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce().catch((error: unknown) => {
        this.options.logger.warn(`${this.options.name} relay pass failed`, errorFields(error));
        return 0;
      });
      void this.running.finally(() => this.schedule());
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** One pass: publishes up to a batch of unpublished rows; returns how many were confirmed. */
  async runOnce(): Promise<number> {
    const { db, graceMs = 2_000, batchSize = 200 } = this.options;
    return db.transaction(async (trx) => {
      const rows = await this.source.claim(trx, batchSize, new Date(Date.now() - graceMs));
      const confirmed: Row[] = [];
      for (const row of rows) {
        try {
          await this.source.publish(row);
          confirmed.push(row);
        } catch (error) {
          this.options.logger.warn(`${this.options.name} relay could not publish; will retry`, errorFields(error));
          break;
        }
      }
      if (confirmed.length > 0) {
        await this.source.markPublished(trx, confirmed);
        this.options.logger.info(`${this.options.name} relay published`, { count: confirmed.length });
      }
      return confirmed.length;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
