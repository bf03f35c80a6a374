import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { Broker } from '@hookway/broker';
import { auditFact } from '@hookway/contracts';
import { captureLogger, testConfig, waitFor, type TestBroker, type TestDatabase } from '@hookway/testing';
import { start } from '../src/main.js';
import { auditTestBed, batchSizes, expectChainVerifies, type EntryRow, type AuditTestBed } from './audit-fixture.js';

describe('audit service, when PostgreSQL refuses one fact of a batch', () => {
  let bed: AuditTestBed;
  let database: TestDatabase;
  let fixture: TestBroker;
  let publisher: Broker;
  let service: { stop(): Promise<void>; opsPort: number } | undefined;
  const { logger, lines } = captureLogger('audit', 'warn');

  beforeAll(async () => {
    bed = await auditTestBed('auditrefused');
    ({ database, broker: fixture, publisher } = bed);
  });

  afterAll(async () => {
    await service?.stop();
    await bed.close();
  });

  it('appends the good facts, dead-letters the refused one with its reason, and never requeues it', async () => {
    const good = Array.from({ length: 30 }, (_, n) =>
      auditFact({ factId: `event.received:good-${n}`, entityType: 'event', entityId: `good-${n}`, action: 'received', actor: 'provider:acme', details: { n } }));
    // jsonb refuses "\u0000" (SQLSTATE 22P05), so the batch holding this fact fails as a whole.
    const refused = auditFact({ factId: 'event.received:nul', entityType: 'event', entityId: 'nul', action: 'received', actor: 'provider:acme', details: { note: 'a\u0000b' } });
    // Queued before the service starts, so they reach it as one burst and share a batch.
    await Promise.all([...good.slice(0, 15), refused, ...good.slice(15)].map((fact) => publisher.publishAudit(fact)));
    service = await start(testConfig({ databaseUrl: database.url, brokerPrefix: fixture.prefix }), logger);

    const dead = await waitFor(() => fixture.take(fixture.topology.queues.dead).then((message) => message ?? undefined), { what: 'the refused fact in the dead queue' });
    expect(dead.body).toMatchObject({
      reason: expect.stringContaining('SQLSTATE 22'),
      sourceQueue: fixture.topology.queues.audit,
      original: expect.stringContaining('event.received:nul'),
    });
    const rows = (): Promise<EntryRow[]> => database.db<EntryRow>('audit_entries').orderBy('id', 'asc');
    await waitFor(async () => (await rows()).length === good.length, { what: 'the good facts to be appended' });
    // One consumer takes the queue in order and appends one batch at a time: once a fact published after
    // all of these is stored, everything before it has been handled (and nothing was handed back).
    const sentinel = auditFact({ factId: 'replay.requested:sentinel', entityType: 'replay', entityId: 'sentinel', action: 'requested', actor: 'ops' });
    await publisher.publishAudit(sentinel);
    await waitFor(async () => (await rows()).some((row) => row.fact_id === sentinel.factId), { what: 'the sentinel entry' });

    const stored = (await rows()).filter((row) => row.fact_id !== sentinel.factId);
    expect(stored.map((row) => row.fact_id).sort()).toEqual(good.map((fact) => fact.factId).sort());
    expectChainVerifies(stored);
    expect(await fixture.take(fixture.topology.queues.dead)).toBeNull();
    expect(await fixture.depth(fixture.topology.queues.audit)).toBe(0);
    const messages = lines.map((line) => (JSON.parse(line) as { message: string; factId?: string }));
    expect(messages.filter((line) => line.message === 'audit fact refused by the database; dead-lettered').map((line) => line.factId)).toEqual(['event.received:nul']);
    expect(messages.filter((line) => line.message === 'audit append failed')).toEqual([]);
    // More facts went through transactions than were published (the good ones, the refused one, the
    // sentinel): a batch failed and was retried fact by fact.
    const { facts } = batchSizes((await request(`http://127.0.0.1:${service.opsPort}`).get('/metrics')).text);
    expect(facts).toBeGreaterThan(good.length + 2);
  });
});
