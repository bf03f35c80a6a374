// Starts the management service in-process on port 0 against its own database and broker prefix,
// and seeds rows directly with knex (the other services that normally write them are not running).
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import type { Config } from '@hookway/config';
import { chainHash, GENESIS_HASH, isAuditFactBatch, type ChainedEntry } from '@hookway/contracts';
import type { Knex } from '@hookway/db';
import { createTestBroker, createTestDatabase, silentLogger, testConfig, type TestBroker, type TestDatabase, seedIntegration } from '@hookway/testing';
import { start, type RunningManagement } from '../src/main.js';

export const RETRY_SCHEDULE_MS = [50, 100];

export interface ManagementFixture {
  database: TestDatabase;
  db: Knex;
  broker: TestBroker;
  config: Config;
  service: RunningManagement;
  /** A supertest agent for the running service. */
  http: ReturnType<typeof request>;
  /** GET with the management API key. */
  get(path: string): request.Test;
  /** POST with the management API key. */
  post(path: string): request.Test;
  /** PATCH with the management API key. */
  patch(path: string): request.Test;
  /** DELETE with the management API key. */
  delete(path: string): request.Test;
  /** A Bearer header value: an HS256 JWT signed with the service's secret. */
  bearer(sub: string, scope: string): string;
  /** Every message taken so far from a queue of this prefix (drains what is ready, keeps earlier takes). */
  taken(queue: string): Promise<TakenMessage[]>;
  close(): Promise<void>;
}

export interface TakenMessage {
  body: unknown;
  properties: { messageId?: unknown; correlationId?: unknown };
}

export async function startManagement(label: string, env: Record<string, string> = {}): Promise<ManagementFixture> {
  const database = await createTestDatabase(label);
  const broker = await createTestBroker(label, RETRY_SCHEDULE_MS);
  const config = testConfig({ databaseUrl: database.url, brokerPrefix: broker.prefix, env });
  const service = await start(config, silentLogger('management'));
  const http = request(`http://127.0.0.1:${service.port}`);
  const takenSoFar = new Map<string, TakenMessage[]>();
  return {
    database,
    db: database.db,
    broker,
    config,
    service,
    http,
    get: (path) => http.get(path).set('x-internal-api-key', config.managementApiKey),
    post: (path) => http.post(path).set('x-internal-api-key', config.managementApiKey),
    patch: (path) => http.patch(path).set('x-internal-api-key', config.managementApiKey),
    delete: (path) => http.delete(path).set('x-internal-api-key', config.managementApiKey),
    bearer: (sub, scope) => `Bearer ${jwt.sign({ sub, scope }, config.managementJwtSecret, { algorithm: 'HS256', expiresIn: '5m' })}`,
    taken: async (queue) => {
      const list = takenSoFar.get(queue) ?? [];
      takenSoFar.set(queue, list);
      for (let message = await broker.take(queue); message; message = await broker.take(queue)) list.push(message);
      return list;
    },
    close: async () => {
      await service.stop();
      await broker.cleanup();
      await database.drop();
    },
  };
}

export interface SeedIntegration {
  provider?: string;
  name?: string;
  state?: 'active' | 'paused' | 'disabled';
  eventTypes?: string[];
  url?: string;
  secretSealed?: string;
}

export async function insertIntegration(db: Knex, seed: SeedIntegration = {}): Promise<string> {
  return seedIntegration(db, {
    ...(seed.name ? { name: seed.name } : {}),
    provider: seed.provider ?? 'acme',
    url: seed.url ?? 'http://127.0.0.1:9/hook',
    eventTypes: seed.eventTypes ?? ['order.*'],
    headers: { 'x-team': 'ops' },
    description: 'seeded by a test',
    state: seed.state ?? 'active',
    secretSealed: seed.secretSealed ?? 'sealed-secret-must-never-be-listed',
    previousSecretSealed: 'sealed-previous-secret-must-never-be-listed',
  });
}

export interface SeedEvent {
  provider?: string;
  type?: string;
  subject?: string | null;
  status?: string;
  occurredAt?: string;
  receivedAt?: string;
  createdAt?: string;
}

export async function insertEvent(db: Knex, seed: SeedEvent = {}): Promise<string> {
  const id = randomUUID();
  const now = new Date().toISOString();
  await db('events').insert({
    id,
    provider: seed.provider ?? 'acme',
    external_id: `ext-${id}`,
    type: seed.type ?? 'order.created',
    occurred_at: seed.occurredAt ?? now,
    subject: seed.subject === undefined ? 'order 1' : seed.subject,
    data: JSON.stringify({ orderId: id.slice(0, 8) }),
    status: seed.status ?? 'pending',
    received_at: seed.receivedAt ?? now,
    created_at: seed.createdAt ?? now,
    raw_headers: JSON.stringify({ 'content-type': 'application/json' }),
    raw_body: JSON.stringify({ eventId: `ext-${id}` }),
    published_at: now,
  });
  return id;
}

export interface SeedJob {
  eventId: string;
  integrationId: string;
  status?: string;
  attemptCount?: number;
  lastError?: string | null;
  lastStatusCode?: number | null;
  createdAt?: string;
  completedAt?: string | null;
  nextAttemptAt?: string | null;
  /** The subject an ordered integration's job is delivered in order within, and its place there (the event's seq). */
  orderKey?: string | null;
  orderSeq?: number | null;
}

export async function insertJob(db: Knex, seed: SeedJob): Promise<string> {
  const id = randomUUID();
  await db('delivery_jobs').insert({
    id,
    event_id: seed.eventId,
    integration_id: seed.integrationId,
    status: seed.status ?? 'pending',
    attempt_count: seed.attemptCount ?? 0,
    max_attempts: 3,
    last_error: seed.lastError ?? null,
    last_status_code: seed.lastStatusCode ?? null,
    created_at: seed.createdAt ?? new Date().toISOString(),
    completed_at: seed.completedAt ?? null,
    next_attempt_at: seed.nextAttemptAt ?? null,
    order_key: seed.orderKey ?? null,
    order_seq: seed.orderSeq ?? null,
  });
  return id;
}

export interface SeedAttempt {
  jobId: string;
  eventId: string;
  integrationId: string;
  attemptNumber: number;
  status: 'success' | 'failed';
  statusCode?: number | null;
  errorCode?: string | null;
  errorMessage?: string | null;
  latencyMs?: number;
  createdAt?: string;
}

export async function insertAttempt(db: Knex, seed: SeedAttempt): Promise<string> {
  const id = randomUUID();
  await db('delivery_attempts').insert({
    id,
    job_id: seed.jobId,
    event_id: seed.eventId,
    integration_id: seed.integrationId,
    attempt_number: seed.attemptNumber,
    status: seed.status,
    status_code: seed.statusCode ?? null,
    latency_ms: seed.latencyMs ?? 12,
    request_url: 'http://127.0.0.1:9/hook',
    request_headers: JSON.stringify({ 'webhook-id': seed.eventId }),
    response_headers: JSON.stringify({ 'content-type': 'text/plain' }),
    response_body: seed.status === 'success' ? 'ok' : 'nope',
    error_code: seed.errorCode ?? null,
    error_message: seed.errorMessage ?? null,
    created_at: seed.createdAt ?? new Date().toISOString(),
  });
  return id;
}

export type SeedAuditFact = Omit<ChainedEntry, 'occurredAt' | 'correlationId'> & { occurredAt?: string; correlationId?: string | null };

/** Appends facts the way the audit service does: each hash covers the previous hash and the entry. */
export async function appendAuditChain(db: Knex, facts: SeedAuditFact[]): Promise<number[]> {
  const last = (await db('audit_entries').select('hash').orderBy('id', 'desc').first()) as { hash: string } | undefined;
  let prevHash = last?.hash ?? GENESIS_HASH;
  const rows = facts.map((fact) => {
    const entry: ChainedEntry = {
      ...fact,
      correlationId: fact.correlationId ?? null,
      occurredAt: new Date(fact.occurredAt ?? Date.now()).toISOString(),
    };
    const hash = chainHash(prevHash, entry);
    const row = {
      fact_id: entry.factId,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      action: entry.action,
      actor: entry.actor,
      correlation_id: entry.correlationId,
      details: JSON.stringify(entry.details),
      occurred_at: entry.occurredAt,
      prev_hash: prevHash,
      hash,
    };
    prevHash = hash;
    return row;
  });
  const ids: number[] = [];
  for (let index = 0; index < rows.length; index += 500) {
    const inserted = await db('audit_entries').insert(rows.slice(index, index + 500)).returning<{ id: number }[]>('id');
    ids.push(...inserted.map((row) => row.id).sort((a, b) => a - b));
  }
  return ids;
}

export interface ErrorBody {
  code?: string;
  message?: string;
  details: { errors?: { path: string; message: string }[] } & Record<string, unknown>;
}

interface EnvelopeBody {
  data?: unknown;
  meta?: unknown;
  error?: ErrorBody;
}

/** Typed views of a response envelope (supertest leaves the body untyped). */
export function dataOf<T = unknown>(response: { body: unknown }): T {
  return (response.body as EnvelopeBody).data as T;
}

export function metaOf(response: { body: unknown }): unknown {
  return (response.body as EnvelopeBody).meta;
}

export function errorOf(response: { body: unknown }): ErrorBody {
  return (response.body as EnvelopeBody).error ?? { details: {} };
}

/** The ids of a listing, in order. */
export function idsOf<Id extends string | number = string>(response: { body: unknown }): Id[] {
  return dataOf<{ id: Id }[]>(response).map((item) => item.id);
}

export interface PublishedFact {
  factId: string;
  entityType: string;
  entityId: string;
  action: string;
  actor: string;
  correlationId?: string;
  details: Record<string, unknown>;
}

/** The audit facts published so far on this fixture's audit queue. */
export async function publishedFacts(fx: ManagementFixture): Promise<PublishedFact[]> {
  // A message carries one fact, or the facts published while an earlier one awaited its confirm.
  return (await fx.taken(fx.broker.topology.queues.audit))
    .flatMap((message) => (isAuditFactBatch(message.body) ? message.body.facts : [message.body])) as PublishedFact[];
}

/** The audit fact with this id, if it was published. */
export async function publishedFact(fx: ManagementFixture, factId: string): Promise<PublishedFact | undefined> {
  return (await publishedFacts(fx)).find((fact) => fact.factId === factId);
}

/** The body of an integration create, with whatever the test changes. */
export function integrationBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'orders to billing',
    provider: 'acme',
    url: 'http://127.0.0.1:9/hook',
    eventTypes: ['order.*'],
    headers: { 'x-team': 'billing' },
    description: 'created by a test',
    ...overrides,
  };
}
