// GET /stream with a real EventSource client: a job fact recorded in the audit log reaches the clients
// whose filter it matches, heartbeats flow, and a client that disconnects leaves nothing behind.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { EventSource } from 'eventsource';
import { waitFor } from '@hookway/testing';
import { appendAuditChain, startManagement, type ManagementFixture, type SeedAuditFact } from './management-fixture.js';

interface Update {
  type: string;
  id: string;
  factId: string;
  jobId: string;
  eventId: string;
  integrationId: string;
  attempt: number;
  statusCode: number;
}

describe('GET /stream', () => {
  let fx: ManagementFixture;
  const opened: EventSource[] = [];

  beforeAll(async () => {
    fx = await startManagement('mgmtstream', { STREAM_HEARTBEAT: '100ms', STREAM_POLL_INTERVAL: '20ms' });
  });

  afterAll(async () => {
    for (const source of opened) source.close();
    await fx.close();
  });

  const base = (): string => `http://127.0.0.1:${fx.service.port}/api/v1/stream`;
  const connect = async (query: Record<string, string>): Promise<{ source: EventSource; updates: Update[] }> => {
    const updates: Update[] = [];
    const source = new EventSource(`${base()}?${new URLSearchParams({ key: fx.config.managementApiKey, ...query }).toString()}`);
    opened.push(source);
    for (const type of ['job.delivered', 'job.retry_scheduled', 'job.dead_lettered']) {
      source.addEventListener(type, (message) => updates.push(JSON.parse(message.data as string) as Update));
    }
    await new Promise<void>((resolve, reject) => {
      source.onopen = () => resolve();
      source.onerror = (error) => reject(new Error(`stream did not open: ${error.message ?? 'error'}`));
    });
    return { source, updates };
  };

  const delivered = (integrationId: string, eventId = randomUUID()): SeedAuditFact => ({
    factId: `job.delivered:${randomUUID()}`, entityType: 'job', entityId: randomUUID(), action: 'delivered', actor: 'dispatcher',
    details: { eventId, integrationId, attempt: 1, statusCode: 200, latencyMs: 12 },
  });

  it('shows a job fact the audit log records, with its log position as id, to matching clients only', async () => {
    const integrationA = randomUUID();
    const all = await connect({});
    const onlyA = await connect({ integrationId: integrationA });
    const onlyB = await connect({ integrationId: randomUUID() });

    const fact = delivered(integrationA);
    const [position] = await appendAuditChain(fx.db, [fact]);
    await waitFor(() => all.updates.length === 1 && onlyA.updates.length === 1, { what: 'the update' });
    expect(all.updates[0]).toMatchObject({
      type: 'job.delivered', id: String(position), factId: fact.factId, jobId: fact.entityId, integrationId: integrationA, attempt: 1, statusCode: 200,
    });
    expect(onlyA.updates[0]).toEqual(all.updates[0]);

    // Facts that are not about jobs never reach the stream.
    await appendAuditChain(fx.db, [
      { factId: `event.received:${randomUUID()}`, entityType: 'event', entityId: randomUUID(), action: 'received', actor: 'provider:acme', details: {} },
    ]);
    await appendAuditChain(fx.db, [delivered(randomUUID())]);
    await waitFor(() => all.updates.length === 2, { what: 'the second job update' });
    expect(onlyA.updates).toHaveLength(1);
    expect(onlyB.updates).toHaveLength(0);
    for (const client of [all, onlyA, onlyB]) client.source.close();
  });

  it('sends heartbeats, and a client that disconnects is forgotten', async () => {
    const metrics = async (): Promise<string> => (await request(`http://127.0.0.1:${fx.service.opsPort}`).get('/metrics')).text;
    await waitFor(async () => (await metrics()).includes('hookway_stream_clients{service="management"} 0'), { what: 'earlier clients to be gone' });

    const chunks: string[] = [];
    const controller = new AbortController();
    const response = await fetch(`${base()}?key=${fx.config.managementApiKey}`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    while (chunks.join('').split(': heartbeat').length < 3) {
      const { value } = await reader.read();
      chunks.push(decoder.decode(value));
    }
    expect(await metrics()).toContain('hookway_stream_clients{service="management"} 1');
    controller.abort();
    await waitFor(async () => (await metrics()).includes('hookway_stream_clients{service="management"} 0'), { what: 'the client to be forgotten' });
  });

  it('refuses a client without credentials and a filter that is not a uuid', async () => {
    expect((await fx.http.get('/api/v1/stream')).status).toBe(401);
    const bad = await fx.http.get('/api/v1/stream').query({ key: fx.config.managementApiKey, eventId: 'nope' });
    expect(bad.status).toBe(400);
    expect((bad.body as { error: { code: string } }).error.code).toBe('INVALID_QUERY');
  });
});
