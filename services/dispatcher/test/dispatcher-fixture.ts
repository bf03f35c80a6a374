// A running dispatcher against its own database and broker prefix, plus row factories: integrations
// and events are inserted directly, as the management API and ingress would have written them.
import { randomUUID } from 'node:crypto';
import { Broker } from '@hookway/broker';
import type { Config } from '@hookway/config';
import type { Logger } from '@hookway/logger';
import { isAuditFactBatch, type AuditFact, type EventMessage, type JobMessage } from '@hookway/contracts';
import type { Knex } from '@hookway/db';
import { generateSigningSecret, SecretBox } from '@hookway/signing';
import {
  createTestBroker, createTestDatabase, silentLogger, testConfig, waitFor, type TestBroker, type TestDatabase,
  seedIntegration,
} from '@hookway/testing';
import { start } from '../src/main.js';

export interface DispatcherFixture {
  config: Config;
  db: Knex;
  broker: Broker;
  queues: TestBroker;
  /** Every audit fact published so far (drained from the audit queue on demand). */
  auditFacts(): Promise<AuditFact[]>;
  waitForAudit(factId: string, count?: number): Promise<AuditFact>;
  deadLetters(): Promise<Array<{ reason: string; sourceQueue?: string; original?: string }>>;
  publishEvent(message: EventMessage, correlationId?: string): Promise<void>;
  publishJob(message: JobMessage): Promise<void>;
  insertIntegration(input: IntegrationInput): Promise<{ id: string; secret: string }>;
  insertEvent(input: EventInput): Promise<string>;
  /** Starts the service when the fixture was created with deferStart. */
  startService(): Promise<void>;
  /** The running service's ops server (/metrics). */
  opsUrl(): string;
  /** Job messages the running service has finished handling (hookway_dispatcher_messages_handled_total, any outcome). */
  /** Job messages handled plus first attempts made in process: the attempts dealt with. */
  handledJobMessages(): Promise<number>;
  close(): Promise<void>;
}

export interface IntegrationInput {
  provider: string;
  url: string;
  eventTypes: string[];
  headers?: Record<string, unknown>;
  state?: 'active' | 'paused' | 'disabled';
  consecutiveFailures?: number;
  previousSecret?: { secret: string; expiresAt: Date };
  /** Seal the secrets under this master key instead of the service's (an operator's key rotation). */
  sealedWith?: string;
  filter?: Record<string, unknown>;
  rateLimit?: { perSecond: number; burst: number };
  ordering?: 'subject';
  orderingOnDead?: 'skip' | 'block';
  /** Default: the default workspace. */
  workspaceId?: string;
}

export interface EventInput {
  provider: string;
  type: string;
  subject?: string | null;
  data?: Record<string, unknown>;
  occurredAt?: Date;
  /** Default: the default workspace. */
  workspaceId?: string;
}

let counter = 0;
/** A provider name of its own per test, so tests sharing a database never see each other's integrations. */
export function uniqueProvider(label: string): string {
  counter += 1;
  return `${label}-${counter}-${randomUUID().slice(0, 8)}`;
}

export async function startDispatcher(
  label: string,
  env: Record<string, string> = {},
  options: { deferStart?: boolean; brokerLogger?: Logger; logger?: Logger } = {},
): Promise<DispatcherFixture> {
  const database: TestDatabase = await createTestDatabase(label);
  const probe = testConfig({ databaseUrl: database.url, brokerPrefix: 'unused', env });
  const queues = await createTestBroker(label, probe.retryScheduleMs);
  const config = testConfig({ databaseUrl: database.url, brokerPrefix: queues.prefix, env });
  let service: { stop(): Promise<void>; opsPort: number } | undefined;
  const startService = async (): Promise<void> => {
    service ??= await start(config, options.logger ?? silentLogger('dispatcher'));
  };
  if (!options.deferStart) await startService();
  const broker = await Broker.connect({
    url: config.rabbitmqUrl, prefix: config.brokerPrefix, retryScheduleMs: config.retryScheduleMs, logger: options.brokerLogger ?? silentLogger(),
  });
  const secretBox = new SecretBox(config.secretEncryptionKey);
  const facts: AuditFact[] = [];

  const auditFacts = async (): Promise<AuditFact[]> => {
    for (;;) {
      const message = await queues.take(queues.topology.queues.audit);
      if (!message) return facts;
      // A message carries one fact, or the facts published while an earlier one awaited its confirm.
      facts.push(...(isAuditFactBatch(message.body) ? message.body.facts : [message.body as AuditFact]));
    }
  };

  return {
    config,
    db: database.db,
    broker,
    queues,
    auditFacts,
    waitForAudit: (factId, count = 1) =>
      waitFor(async () => {
        const matching = (await auditFacts()).filter((fact) => fact.factId === factId);
        return matching.length >= count ? matching[matching.length - 1] : undefined;
      }, { what: `audit fact ${factId} x${count}` }),
    deadLetters: async () => {
      const dead: Array<{ reason: string; sourceQueue?: string; original?: string }> = [];
      for (;;) {
        const message = await queues.take(queues.topology.queues.dead);
        if (!message) return dead;
        dead.push(message.body as { reason: string; sourceQueue?: string; original?: string });
      }
    },
    publishEvent: (message, correlationId) =>
      broker.publish(queues.topology.exchanges.events, `${message.provider}.${message.type}`, message, {
        messageId: message.replayRequestId ?? message.eventId,
        ...(correlationId ? { correlationId } : {}),
      }),
    publishJob: (message) =>
      broker.publish(queues.topology.exchanges.jobs, queues.topology.jobRoutingKey, message, {
        messageId: `${message.jobId}:${message.attempt}`,
      }),
    insertIntegration: async (input) => {
      const secret = generateSigningSecret();
      const box = input.sealedWith ? new SecretBox(input.sealedWith) : secretBox;
      const id = await seedIntegration(database.db, {
        name: `integration for ${input.provider}`,
        provider: input.provider,
        url: input.url,
        eventTypes: input.eventTypes,
        headers: input.headers ?? {},
        state: input.state ?? 'active',
        consecutiveFailures: input.consecutiveFailures ?? 0,
        secretSealed: box.seal(secret),
        previousSecretSealed: input.previousSecret ? box.seal(input.previousSecret.secret) : null,
        previousSecretExpiresAt: input.previousSecret?.expiresAt ?? null,
        filter: input.filter ?? null,
        rateLimit: input.rateLimit ?? null,
        ordering: input.ordering ?? null,
        orderingOnDead: input.orderingOnDead ?? 'skip',
        ...(input.workspaceId ? { workspaceId: input.workspaceId } : {}),
      });
      return { id, secret };
    },
    insertEvent: async (input) => {
      const id = randomUUID();
      const data = input.data ?? { orderId: 'ord_1', total: 42 };
      await database.db('events').insert({
        id,
        provider: input.provider,
        external_id: `ext-${id}`,
        type: input.type,
        occurred_at: input.occurredAt ?? new Date('2026-11-22T10:00:00.000Z'),
        subject: input.subject === undefined ? 'customer/7' : input.subject,
        data: JSON.stringify(data),
        status: 'pending',
        raw_headers: JSON.stringify({}),
        raw_body: JSON.stringify(data),
        published_at: new Date(),
        ...(input.workspaceId ? { workspace_id: input.workspaceId } : {}),
      });
      return id;
    },
    startService,
    opsUrl: () => {
      if (!service) throw new Error('the dispatcher has not started');
      return `http://127.0.0.1:${service.opsPort}`;
    },
    handledJobMessages: async () => {
      if (!service) throw new Error('the dispatcher has not started');
      const text = await (await fetch(`http://127.0.0.1:${service.opsPort}/metrics`)).text();
      // Job messages, and first attempts the fan-out made in process (DISPATCHER_FIRST_ATTEMPT=inline).
      return [...text.matchAll(/^hookway_dispatcher_messages_handled_total\{[^}]*queue="(?:jobs|first_attempt)"[^}]*\} (\d+)$/gm)]
        .reduce((sum, match) => sum + Number(match[1]), 0);
    },
    close: async () => {
      await service?.stop();
      await broker.close();
      await queues.cleanup();
      await database.drop();
    },
  };
}

export interface JobRowView {
  id: string;
  integration_id: string;
  replay_request_id: string | null;
  status: string;
  attempt_count: number;
  max_attempts: number;
  last_error: string | null;
  last_status_code: number | null;
  completed_at: Date | null;
}

export interface AttemptRowView {
  job_id: string;
  attempt_number: number;
  status: string;
  status_code: number | null;
  latency_ms: number;
  request_url: string;
  request_headers: Record<string, string>;
  response_headers: Record<string, unknown> | null;
  response_body: string | null;
  error_code: string | null;
  error_message: string | null;
}

export async function jobsOf(db: Knex, eventId: string): Promise<JobRowView[]> {
  return db('delivery_jobs').where({ event_id: eventId }).orderBy('created_at');
}

export async function attemptsOf(db: Knex, eventId: string): Promise<AttemptRowView[]> {
  return db('delivery_attempts').where({ event_id: eventId }).orderBy('created_at');
}

export async function eventStatus(db: Knex, eventId: string): Promise<string> {
  const row = await db('events').where({ id: eventId }).first<{ status: string }>('status');
  return row.status;
}

export async function consecutiveFailures(db: Knex, integrationId: string): Promise<number> {
  const row = await db('integrations').where({ id: integrationId }).first<{ consecutive_failures: number }>('consecutive_failures');
  return row.consecutive_failures;
}

/** Waits until the event's status is one of the given ones and returns it. */
export function waitForEventStatus(db: Knex, eventId: string, ...statuses: string[]): Promise<string> {
  return waitFor(async () => {
    const status = await eventStatus(db, eventId);
    return statuses.includes(status) ? status : undefined;
  }, { what: `event ${eventId} to be ${statuses.join('|')}` });
}

