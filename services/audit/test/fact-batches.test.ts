import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Broker } from '@hookway/broker';
import { auditFact, type AuditFact } from '@hookway/contracts';
import { captureLogger, testConfig, waitFor, type TestBroker, type TestDatabase } from '@hookway/testing';
import { start } from '../src/main.js';
import { auditTestBed, expectChainVerifies, type EntryRow, type AuditTestBed } from './audit-fixture.js';

function fact(id: string, details: Record<string, unknown> = {}): AuditFact {
  return auditFact({ factId: `event.received:${id}`, entityType: 'event', entityId: id, action: 'received', actor: 'provider:acme', details });
}

describe('audit service, when facts arrive batched in messages', () => {
  let bed: AuditTestBed;
  let database: TestDatabase;
  let fixture: TestBroker;
  let publisher: Broker;
  let service: { stop(): Promise<void>; opsPort: number } | undefined;
  const { logger, lines } = captureLogger('audit', 'warn');
  const rows = (): Promise<EntryRow[]> => database.db<EntryRow>('audit_entries').orderBy('id', 'asc');
  /** Once a fact published after the others is stored, everything before it has been handled. */
  async function settle(label: string): Promise<void> {
    const sentinel = auditFact({ factId: `replay.requested:${label}`, entityType: 'replay', entityId: label, action: 'requested', actor: 'ops' });
    await publisher.publishAudit(sentinel);
    await waitFor(async () => (await rows()).some((row) => row.fact_id === sentinel.factId), { what: `the ${label} sentinel` });
  }

  beforeAll(async () => {
    bed = await auditTestBed('auditbatches');
    ({ database, broker: fixture, publisher } = bed);
  });

  afterAll(async () => {
    await service?.stop();
    await bed.close();
  });

  it('when 200 facts are published at once, queues far fewer messages and appends every fact once, chain intact', async () => {
    const facts = Array.from({ length: 200 }, (_, n) => fact(`burst-${n}`, { n }));
    await Promise.all(facts.map((one) => publisher.publishAudit(one)));
    // The service is not running yet: what waits in the queue is what was published.
    expect(await fixture.depth(fixture.topology.queues.audit)).toBeLessThanOrEqual(5);

    service = await start(testConfig({ databaseUrl: database.url, brokerPrefix: fixture.prefix }), logger);
    await waitFor(async () => (await rows()).length === facts.length, { what: 'the 200 facts to be appended' });
    // Published again (a relay that lost its confirm): nothing is appended twice.
    await Promise.all(facts.map((one) => publisher.publishAudit(one)));
    await settle('burst');
    const stored = await rows();
    expect(stored.map((row) => row.fact_id)).toEqual([...facts.map((one) => one.factId), 'replay.requested:burst']);
    expectChainVerifies(stored);
  });

  it('still appends a fact sent alone in the single-fact shape (queued before an upgrade)', async () => {
    const old = fact('old-shape');
    await publisher.publish(fixture.topology.exchanges.audit, 'event.received', old, { messageId: old.factId, type: 'audit.fact' });
    await waitFor(async () => (await rows()).some((row) => row.fact_id === old.factId), { what: 'the old-shape fact' });
  });

  it('when a batch holds a fact PostgreSQL refuses and one that fails the schema, appends the others and dead-letters each alone', async () => {
    const before = (await rows()).length;
    const good = Array.from({ length: 6 }, (_, n) => fact(`mixed-${n}`, { n }));
    // jsonb refuses "\u0000" (SQLSTATE 22P05).
    const refused = fact('nul', { note: 'a\u0000b' });
    const malformed = { ...fact('malformed'), action: 'Not Valid' };
    const batch = { facts: [...good.slice(0, 3), refused, malformed, ...good.slice(3)] };
    await publisher.publish(fixture.topology.exchanges.audit, 'mixed', batch, { messageId: 'facts:test', type: 'audit.facts' });
    await settle('mixed');

    const stored = await rows();
    expect(stored.slice(before).map((row) => row.fact_id)).toEqual([...good.map((one) => one.factId), 'replay.requested:mixed']);
    expectChainVerifies(stored);
    const dead = [await fixture.take(fixture.topology.queues.dead), await fixture.take(fixture.topology.queues.dead)];
    expect(await fixture.take(fixture.topology.queues.dead)).toBeNull();
    const byFact = new Map(dead.map((message) => {
      const body = message?.body as { reason: string; sourceQueue: string; original: string };
      return [(JSON.parse(body.original) as AuditFact).factId, body];
    }));
    expect(byFact.get(refused.factId)).toMatchObject({ reason: expect.stringContaining('SQLSTATE 22'), sourceQueue: fixture.topology.queues.audit });
    expect(byFact.get(malformed.factId)).toMatchObject({ reason: expect.stringContaining('schema'), sourceQueue: fixture.topology.queues.audit });
    expect(await fixture.depth(fixture.topology.queues.audit)).toBe(0);
    const messages = lines.map((line) => (JSON.parse(line) as { message: string; factId?: string }));
    expect(messages.filter((line) => line.message === 'audit fact refused by the database; dead-lettered').map((line) => line.factId)).toEqual([refused.factId]);
    expect(messages.filter((line) => line.message === 'audit append failed')).toEqual([]);
  });
});
