import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { Broker } from '@hookway/broker';
import { auditFact, chainHash, GENESIS_HASH, type AuditFact } from '@hookway/contracts';
import { createTestBroker, createTestDatabase, silentLogger, testConfig, waitFor, type TestBroker, type TestDatabase } from '@hookway/testing';
import { toChainedEntry } from '../src/domain/audit-entry.js';
import { redactSecrets } from '../src/domain/redact.js';
import { start } from '../src/main.js';

interface EntryRow {
  id: number;
  fact_id: string;
  entity_type: string;
  entity_id: string;
  action: string;
  actor: string;
  correlation_id: string | null;
  details: Record<string, unknown>;
  occurred_at: Date;
  prev_hash: string;
  hash: string;
}

describe('redactSecrets', () => {
  it('replaces credential-like keys at any depth and leaves the rest', () => {
    expect(redactSecrets({ url: 'u', secret: 's', nested: [{ apiKey: 'k', Authorization: 'a', n: 1 }], webhookSignature: 'x' })).toEqual({
      url: 'u', secret: '[redacted]', nested: [{ apiKey: '[redacted]', Authorization: '[redacted]', n: 1 }], webhookSignature: '[redacted]',
    });
  });
});

describe('audit service', () => {
  let database: TestDatabase;
  let fixture: TestBroker;
  let publisher: Broker;
  let service: { stop(): Promise<void>; opsPort: number };

  beforeAll(async () => {
    database = await createTestDatabase('audit');
    fixture = await createTestBroker('audit', [50]);
    const config = testConfig({ databaseUrl: database.url, brokerPrefix: fixture.prefix });
    service = await start(config, silentLogger('audit'));
    publisher = await Broker.connect({ url: config.rabbitmqUrl, prefix: fixture.prefix, retryScheduleMs: config.retryScheduleMs, logger: silentLogger() });
  });

  afterAll(async () => {
    await publisher.close();
    await service.stop();
    await fixture.cleanup();
    await database.drop();
  });

  const rows = (): Promise<EntryRow[]> => database.db<EntryRow>('audit_entries').orderBy('id', 'asc');

  it('appends facts as a hash chain that recomputes from the stored rows, each fact once', async () => {
    const facts: AuditFact[] = [
      auditFact({ factId: 'event.received:1', entityType: 'event', entityId: 'e1', action: 'received', actor: 'provider:acme', correlationId: 'req-1', details: { type: 'order.created' } }),
      auditFact({ factId: 'job.delivered:1', entityType: 'job', entityId: 'j1', action: 'delivered', actor: 'dispatcher', details: { statusCode: 200, nested: { b: 1, a: [1, 2] } } }),
      auditFact({ factId: 'integration.created:1', entityType: 'integration', entityId: 'i1', action: 'created', actor: 'ops', occurredAt: '2026-11-22T10:00:00.123456+02:00', details: { name: 'x', secret: 'whsec_leak' } }),
    ];
    for (const fact of facts) await publisher.publishAudit(fact);
    // The same fact again (a redelivery or a republish after a crash) must not grow the chain.
    await publisher.publishAudit(facts[0]!);
    await waitFor(async () => (await rows()).length === 3, { what: 'three audit entries' });
    await new Promise((resolve) => setTimeout(resolve, 200));

    const stored = await rows();
    expect(stored).toHaveLength(3);
    // Concurrent appends take the chain lock in any order: the chain records append order, not publish order.
    expect(stored.map((row) => row.fact_id).sort()).toEqual(facts.map((fact) => fact.factId).sort());
    let prev = GENESIS_HASH;
    for (const row of stored) {
      expect(row.prev_hash).toBe(prev);
      const recomputed = chainHash(prev, {
        factId: row.fact_id, entityType: row.entity_type, entityId: row.entity_id, action: row.action, actor: row.actor,
        correlationId: row.correlation_id, occurredAt: row.occurred_at.toISOString(), details: row.details,
      });
      expect(row.hash).toBe(recomputed);
      prev = row.hash;
    }
    // Secrets never reach the log, whatever the publisher sent.
    expect(JSON.stringify(stored)).not.toContain('whsec_leak');
    const created = stored.find((row) => row.fact_id === 'integration.created:1')!;
    expect(created.details).toEqual({ name: 'x', secret: '[redacted]' });
    expect(created.occurred_at.toISOString()).toBe('2026-11-22T08:00:00.123Z');
    expect(toChainedEntry(facts[2]!).occurredAt).toBe('2026-11-22T08:00:00.123Z');
  });

  it('dead-letters a fact that does not match the contract instead of redelivering it forever', async () => {
    const before = (await rows()).length;
    await publisher.publish(fixture.topology.exchanges.audit, 'event.received', { factId: 'x', action: 'Not Valid' });
    const dead = await waitFor(() => fixture.take(fixture.topology.queues.dead).then((m) => m ?? undefined), { what: 'a dead letter' });
    expect(dead.body).toMatchObject({ reason: expect.stringContaining('schema'), sourceQueue: fixture.topology.queues.audit });
    expect((await rows()).length).toBe(before);
  });

  it('exposes the chain length and appended facts as metrics, and is ready', async () => {
    const count = (await rows()).length;
    const ops = `http://127.0.0.1:${service.opsPort}`;
    const metrics = (await request(ops).get('/metrics')).text;
    expect(metrics).toContain(`hookway_audit_chain_length{service="audit"} ${count}`);
    expect(metrics).toContain('hookway_audit_entries_appended_total{fact="event.received",service="audit"} 1');
    expect((await request(ops).get('/ready')).status).toBe(200);
  });
});
