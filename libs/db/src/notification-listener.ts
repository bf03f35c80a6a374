// Follows a PostgreSQL NOTIFY channel on a connection of its own (a pooled one would be handed back and lose
// the LISTEN). A dropped connection is opened again with a growing delay, and every (re)connect is reported
// as a change too: notifications sent while nobody listened are lost, so the follower reloads what it caches.
import pg from 'pg';
import { errorFields, type Logger } from '@hookway/logger';

export interface NotificationListenerOptions {
  url: string;
  channel: string;
  logger: Logger;
  /** Called with the payload of each notification, and with undefined after each (re)connect. */
  onNotify(payload: string | undefined): void;
  applicationName?: string;
}

const MAX_RECONNECT_DELAY_MS = 5_000;

export class NotificationListener {
  /** The connection being opened or in use; events of older ones are ignored. */
  private current?: pg.Client;
  private stopped = false;
  private reconnectTimer?: NodeJS.Timeout;
  private delayMs = 100;

  constructor(private readonly options: NotificationListenerOptions) {
    if (!/^[a-z_][a-z0-9_]*$/.test(options.channel)) throw new Error(`unsafe channel name ${options.channel}`);
  }

  /** Resolves once listening; a first connection that fails keeps retrying in the background. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const client = this.current;
    this.current = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.url,
      application_name: this.options.applicationName ?? 'hookway-listener',
      connectionTimeoutMillis: 5_000,
    });
    this.current = client;
    client.on('notification', (message) => {
      if (message.channel === this.options.channel) this.options.onNotify(message.payload);
    });
    client.on('error', (error) => {
      this.options.logger.warn('notification listener connection failed', { channel: this.options.channel, ...errorFields(error) });
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.options.channel}`);
    } catch (error) {
      this.options.logger.warn('could not listen for notifications; retrying', { channel: this.options.channel, ...errorFields(error) });
      this.reconnect(client);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.delayMs = 100;
    this.options.onNotify(undefined);
  }

  private reconnect(client: pg.Client): void {
    if (this.stopped || this.current !== client || this.reconnectTimer !== undefined) return;
    void client.end().catch(() => undefined);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, this.delayMs);
    this.delayMs = Math.min(this.delayMs * 2, MAX_RECONNECT_DELAY_MS);
  }
}
