import { describe, expect, it } from '@jest/globals';
import { auditFact, MAX_AUDIT_BATCH_FACTS, parseAuditMessage } from '../src/index.js';

const occurredAt = '2026-01-01T00:00:00.000Z';
const fact = (n: number) => auditFact({ factId: `event.received:${n}`, entityType: 'event', entityId: `e-${n}`, action: 'received', actor: 'provider:acme', occurredAt });
const body = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

describe('parseAuditMessage', () => {
  it('reads a lone fact (the single-fact shape) as a list of one', () => {
    expect(parseAuditMessage(body(fact(1)))).toEqual({ ok: true, facts: [fact(1)], invalid: [] });
  });

  it('reads a batch in its order', () => {
    const facts = [fact(1), fact(2), fact(3)];
    expect(parseAuditMessage(body({ facts }))).toEqual({ ok: true, facts, invalid: [] });
  });

  it('when one fact of a batch fails the schema, sets that one apart with its reason and keeps the others', () => {
    const bad = { ...fact(2), action: 'Not Valid' };
    const parsed = parseAuditMessage(body({ facts: [fact(1), bad, fact(3)] }));
    expect(parsed).toEqual({ ok: true, facts: [fact(1), fact(3)], invalid: [{ reason: expect.stringContaining('/action'), original: JSON.stringify(bad) }] });
  });

  it('refuses a message that is neither shape, an empty or oversized batch, and a body that is not JSON', () => {
    expect(parseAuditMessage(body({ factId: 'x', action: 'Not Valid' }))).toEqual({ ok: false, reason: expect.stringContaining('schema') });
    expect(parseAuditMessage(body({ facts: [] }))).toEqual({ ok: false, reason: expect.stringContaining('/facts') });
    expect(parseAuditMessage(body({ facts: Array.from({ length: MAX_AUDIT_BATCH_FACTS + 1 }, (_, n) => fact(n)) }))).toMatchObject({ ok: false });
    expect(parseAuditMessage(body({ facts: [fact(1)], extra: true }))).toMatchObject({ ok: false });
    expect(parseAuditMessage(Buffer.from('{'))).toEqual({ ok: false, reason: 'body is not valid JSON' });
  });
});
