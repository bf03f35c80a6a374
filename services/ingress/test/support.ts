// Shared set-up for the ingress component tests: a database and broker prefix of their own, the
// service started in-process on port 0, and helpers to sign bodies and find published messages.
import type { Response } from 'supertest';
import type { Config } from '@hookway/config';
import type { Logger } from '@hookway/logger';
import { isAuditFactBatch } from '@hookway/contracts';
import { hmacSha256Hex } from '@hookway/signing';
import {
  createTestBroker, createTestDatabase, silentLogger, testConfig, waitFor,
  type TestBroker, type TestDatabase,
} from '@hookway/testing';
import { start } from '../src/main.js';

export const RETRY_SCHEDULE_MS = [50, 100];

export interface Harness {
  database: TestDatabase;
  broker: TestBroker;
  config: Config;
  url: string;
  /** The ops endpoint: /metrics, /health, /ready. */
  opsUrl: string;
  stop(): Promise<void>;
}

export async function startHarness(
  label: string,
  options: { logger?: Logger; configure?: (config: Config) => Config; now?: () => Date } = {},
): Promise<Harness> {
  const database = await createTestDatabase(label);
  const broker = await createTestBroker(label, RETRY_SCHEDULE_MS);
  const base = testConfig({ databaseUrl: database.url, brokerPrefix: broker.prefix });
  const config = options.configure ? options.configure(base) : base;
  const service = await start(config, options.logger ?? silentLogger('ingress'), options.now ? { now: options.now } : {});
  return {
    database,
    broker,
    config,
    url: `http://127.0.0.1:${service.port}`,
    opsUrl: `http://127.0.0.1:${service.opsPort}`,
    stop: async () => {
      try {
        await service.stop();
      } finally {
        await broker.cleanup();
        await database.drop();
      }
    },
  };
}

export function acmeSignature(config: Config, body: string | Buffer): string {
  return `sha256=${hmacSha256Hex(config.acmeWebhookSecret, body)}`;
}

export function acmeBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventId: `evt_${crypto.randomUUID()}`,
    eventType: 'order.created',
    occurredAt: '2026-11-22T10:00:00.000Z',
    subject: 'order_42',
    data: { orderId: 'order_42', total: 1299 },
    ...overrides,
  };
}

export function globexBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `gbx_${crypto.randomUUID()}`,
    type: 'invoice.paid',
    timestamp: '2026-11-22T11:30:00+01:00',
    resource: { id: 'inv_7', amount: 5000 },
    ...overrides,
  };
}

export async function countEvents(database: TestDatabase): Promise<number> {
  const [row] = await database.db('events').count<{ count: number }[]>({ count: '*' });
  return row?.count ?? 0;
}

/** Takes messages from a queue until one matches (others are dropped), waiting for it to arrive. */
export async function takeMatching(
  broker: TestBroker,
  queue: string,
  matches: (body: Record<string, unknown>) => boolean,
): Promise<{ body: Record<string, unknown>; properties: { messageId?: unknown; correlationId?: unknown } }> {
  return waitFor(async () => {
    for (;;) {
      const message = await broker.take(queue);
      if (!message) return undefined;
      // An audit message may carry several facts: each is matched on its own.
      const bodies = isAuditFactBatch(message.body) ? message.body.facts : [message.body];
      for (const body of bodies as Array<Record<string, unknown>>) {
        if (matches(body)) return { body, properties: message.properties };
      }
    }
  }, { what: `a matching message on ${queue}` });
}

export interface AcceptedData {
  eventId: string;
  status: string;
  duplicate: boolean;
}

export interface ErrorPayload {
  code: string;
  message: string;
  details: { errors?: { path: string; message: string }[] } & Record<string, unknown>;
}

/** The `data` of a success envelope. */
export function dataOf<T = AcceptedData>(response: Response): T {
  return (response.body as { data: T }).data;
}

/** The `error` of an error envelope. */
export function errorOf(response: Response): ErrorPayload {
  return (response.body as { error: ErrorPayload }).error;
}
