import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { Broker } from '@hookway/broker';
import { auditFact, chainHash, DEFAULT_WORKSPACE_ID, GENESIS_HASH, type AuditFact } from '@hookway/contracts';
import { silentLogger, testConfig, waitFor, type TestBroker, type TestDatabase } from '@hookway/testing';
import { AuditLogRepository } from '../src/data-access/audit-log.repository.js';
import { toChainedEntry } from '../src/domain/audit-entry.js';
import { redactSecrets } from '../src/domain/redact.js';
import { start } from '../src/main.js';
import { auditTestBed, batchSizes, expectChainVerifies, type AuditTestBed, type EntryRow } from './audit-fixture.js';

describe('redactSecrets', () => {
  it('replaces credential-like keys at any depth and leaves the rest', () => {
    expect(redactSecrets({ url: 'u', secret: 's', nested: [{ apiKey: 'k', Authorization: 'a', n: 1 }], webhookSignature: 'x' })).toEqual({
      url: 'u', secret: '[redacted]', nested: [{ apiKey: '[redacted]', Authorization: '[redacted]', n: 1 }], webhookSignature: '[redacted]',
    });
  });
});

describe('the chained entry of a fact', () => {
  const fact = auditFact({
    factId: 'integration.created:i-1:req-1', entityType: 'integration', entityId: 'i-1', action: 'created', actor: 'ops',
    correlationId: 'req-1', occurredAt: '2026-01-01T00:00:00.000Z', details: { name: 'billing', eventTypes: ['order.*'] },
  });
  // This entry's hash, computed with the chain code as it was before entries carried a workspace (commit a717e90).
  const HASH_BEFORE_WORKSPACES = '9c4a931c3c30e0e71d8d3e9370769b91dc9dc5d8449edf46e3af4fadad288707';

  it('without a workspace, has no workspaceId field and hashes exactly as entries did before workspaces', () => {
    const entry = toChainedEntry(fact);
    expect('workspaceId' in entry).toBe(false);
    expect(chainHash(GENESIS_HASH, entry)).toBe(HASH_BEFORE_WORKSPACES);
    // Read back from a NULL column as undefined, it still hashes the same.
    expect(chainHash(GENESIS_HASH, { ...entry, workspaceId: undefined })).toBe(HASH_BEFORE_WORKSPACES);
  });

  it('with a workspace, carries it into the hash, so the workspace cannot be changed unnoticed', () => {
    const workspaceId = '3f0c2a57-8d1e-4a51-9b3a-5c2e7d9f1a00';
    const entry = toChainedEntry({ ...fact, workspaceId });
    expect(entry.workspaceId).toBe(workspaceId);
    expect(chainHash(GENESIS_HASH, entry)).not.toBe(HASH_BEFORE_WORKSPACES);
    expect(chainHash(GENESIS_HASH, { ...entry, workspaceId: DEFAULT_WORKSPACE_ID })).not.toBe(chainHash(GENESIS_HASH, entry));
  });
});

describe('audit service', () => {
  let bed: AuditTestBed;
  let database: TestDatabase;
  let fixture: TestBroker;
  let publisher: Broker;
  let service: { stop(): Promise<void>; opsPort: number };

  beforeAll(async () => {
    bed = await auditTestBed('audit');
    ({ database, broker: fixture, publisher } = bed);
    service = await start(testConfig({ databaseUrl: database.url, brokerPrefix: fixture.prefix }), silentLogger('audit'));
  });

  afterAll(async () => {
    await service.stop();
    await bed.close();
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
    // One consumer takes the queue in order and appends in order, one batch at a time: once the sentinel
    // published after the duplicate is stored, the duplicate has been handled.
    const sentinel = auditFact({ factId: 'replay.requested:sentinel', entityType: 'replay', entityId: 'sentinel', action: 'requested', actor: 'ops' });
    await publisher.publishAudit(sentinel);
    await waitFor(async () => (await rows()).some((row) => row.fact_id === sentinel.factId), { what: 'the sentinel entry' });

    const stored = await rows();
    expect(stored).toHaveLength(4);
    expect(stored.map((row) => row.fact_id).sort()).toEqual([...facts, sentinel].map((fact) => fact.factId).sort());
    expectChainVerifies(stored);
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

  it('when 200 facts arrive at once, appends each exactly once in fewer transactions than facts, and the chain verifies', async () => {
    const ops = `http://127.0.0.1:${service.opsPort}`;
    const before = batchSizes((await request(ops).get('/metrics')).text);
    const burst = Array.from({ length: 200 }, (_, n) =>
      auditFact({ factId: `job.delivered:burst-${n}`, entityType: 'job', entityId: `burst-${n}`, action: 'delivered', actor: 'dispatcher', details: { n } }));
    await Promise.all(burst.map((fact) => publisher.publishAudit(fact)));
    const isBurst = (row: EntryRow): boolean => row.fact_id.startsWith('job.delivered:burst-');
    await waitFor(async () => (await rows()).filter(isBurst).length === 200, { what: 'the burst to be appended' });

    const stored = await rows();
    expect(stored.filter(isBurst).map((row) => row.fact_id).sort()).toEqual(burst.map((fact) => fact.factId).sort());
    expectChainVerifies(stored);
    expect(await fixture.depth(fixture.topology.queues.audit)).toBe(0);
    const after = batchSizes((await request(ops).get('/metrics')).text);
    expect(after.facts - before.facts).toBe(200);
    expect(after.batches - before.batches).toBeLessThan(200);
  });

  it('in one batch, skips a fact already stored and a fact repeated earlier in the batch, and appends the new fact once', async () => {
    const repository = new AuditLogRepository(database.db);
    const entry = (factId: string) => toChainedEntry(auditFact({ factId, entityType: 'integration', entityId: factId, action: 'updated', actor: 'ops' }));
    const [stored] = await repository.appendMany([entry('integration.updated:stored')]);
    expect(stored).toMatchObject({ appended: true });

    const results = await repository.appendMany([entry('integration.updated:stored'), entry('integration.updated:new'), entry('integration.updated:new')]);

    expect(results).toEqual([{ appended: false }, { appended: true, id: expect.any(Number), hash: expect.any(String) }, { appended: false }]);
    const all = await rows();
    const fresh = all.filter((row) => row.fact_id === 'integration.updated:new');
    expect(fresh).toHaveLength(1);
    expect(all.filter((row) => row.fact_id === 'integration.updated:stored')).toHaveLength(1);
    expect(results[1]).toEqual({ appended: true, id: fresh[0]!.id, hash: fresh[0]!.hash });
    expectChainVerifies(all);
  });

  it('in one batch of new facts, chains each after the one before it, in the given order', async () => {
    const repository = new AuditLogRepository(database.db);
    const entry = (factId: string) => toChainedEntry(auditFact({ factId, entityType: 'integration', entityId: factId, action: 'paused', actor: 'ops' }));
    const results = await repository.appendMany(['a', 'b', 'c'].map((name) => entry(`integration.paused:${name}`)));

    const all = await rows();
    const batch = all.slice(-3);
    expect(batch.map((row) => row.fact_id)).toEqual(['integration.paused:a', 'integration.paused:b', 'integration.paused:c']);
    expect(results).toEqual(batch.map((row) => ({ appended: true, id: row.id, hash: row.hash })));
    expectChainVerifies(all);
  });

  it('extends one chain when appenders on separate connections (replicas) write at the same time', async () => {
    // Two repositories, as two audit replicas would be: the chain lock taken with each BEGIN must order
    // their transactions, or two batches would read the same head and fork the chain.
    const replicas = [new AuditLogRepository(database.db), new AuditLogRepository(database.db)];
    const entry = (factId: string) => toChainedEntry(auditFact({ factId, entityType: 'integration', entityId: factId, action: 'resumed', actor: 'ops' }));
    const before = (await rows()).length;
    await Promise.all(replicas.flatMap((replica, r) => Array.from({ length: 15 }, (_, b) =>
      replica.appendMany([0, 1, 2].map((n) => entry(`integration.resumed:${r}-${b}-${n}`))))));

    const all = await rows();
    expect(all.length - before).toBe(90);
    expect(new Set(all.map((row) => row.prev_hash)).size).toBe(all.length);
    expectChainVerifies(all);
  });

  it('stores the workspace a fact names in workspace_id, NULL when it names none, and the chain verifies over both', async () => {
    const workspaceId = '6a1b7c2d-0e3f-4a5b-8c6d-7e8f9a0b1c2d';
    const facts = [
      auditFact({ factId: 'workspace.created:ws-1', entityType: 'workspace', entityId: workspaceId, action: 'created', actor: 'ops', workspaceId, details: { slug: 'team-a' } }),
      auditFact({ factId: 'workspace.note:none', entityType: 'workspace', entityId: 'none', action: 'noted', actor: 'ops' }),
    ];
    for (const fact of facts) await publisher.publishAudit(fact);
    await waitFor(async () => (await rows()).filter((row) => row.fact_id.startsWith('workspace.')).length === 2, { what: 'both workspace facts' });

    const stored = await rows();
    const byFact = new Map(stored.map((row) => [row.fact_id, row]));
    expect(byFact.get('workspace.created:ws-1')?.workspace_id).toBe(workspaceId);
    expect(byFact.get('workspace.note:none')?.workspace_id).toBeNull();
    expectChainVerifies(stored);
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
