import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  appendAuditChain, dataOf, errorOf, idsOf, metaOf, insertAttempt, insertEvent, insertIntegration, insertJob, startManagement, type ManagementFixture, type SeedAuditFact,
} from './management-fixture.js';
import { narrowedBearer } from './workspace-helpers.js';

describe('GET /deliveries', () => {
  let fx: ManagementFixture;
  const attempt: Record<'a1' | 'a2' | 'a3' | 'a4', string> = { a1: '', a2: '', a3: '', a4: '' };
  let eventA: string;
  let integrationX: string;
  let integrationY: string;

  beforeAll(async () => {
    fx = await startManagement('mgmt-deliveries');
    eventA = await insertEvent(fx.db);
    const eventB = await insertEvent(fx.db);
    integrationX = await insertIntegration(fx.db);
    integrationY = await insertIntegration(fx.db);
    const jobAX = await insertJob(fx.db, { eventId: eventA, integrationId: integrationX });
    const jobAY = await insertJob(fx.db, { eventId: eventA, integrationId: integrationY });
    const jobBX = await insertJob(fx.db, { eventId: eventB, integrationId: integrationX });
    const at = (second: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
    attempt.a1 = await insertAttempt(fx.db, { jobId: jobAX, eventId: eventA, integrationId: integrationX, attemptNumber: 1, status: 'failed', statusCode: 500, createdAt: at(1) });
    attempt.a2 = await insertAttempt(fx.db, { jobId: jobAX, eventId: eventA, integrationId: integrationX, attemptNumber: 2, status: 'success', statusCode: 200, createdAt: at(2) });
    attempt.a3 = await insertAttempt(fx.db, { jobId: jobAY, eventId: eventA, integrationId: integrationY, attemptNumber: 1, status: 'failed', errorCode: 'TIMEOUT', createdAt: at(3) });
    attempt.a4 = await insertAttempt(fx.db, { jobId: jobBX, eventId: eventB, integrationId: integrationX, attemptNumber: 1, status: 'success', statusCode: 204, createdAt: at(4) });
  });

  afterAll(async () => {
    await fx.close();
  });

  const listed = async (query: string): Promise<string[]> => {
    const response = await fx.get(`/api/v1/deliveries${query}`);
    expect(response.status).toBe(200);
    return idsOf(response);
  };
  const named = (...keys: (keyof typeof attempt)[]): string[] => keys.map((key) => attempt[key]);

  it('lists attempts newest first with paging meta', async () => {
    expect(await listed('')).toEqual(named('a4', 'a3', 'a2', 'a1'));
    const page = await fx.get('/api/v1/deliveries?page=2&pageSize=3');
    expect(idsOf(page)).toEqual(named('a1'));
    expect(metaOf(page)).toEqual({ page: 2, pageSize: 3, total: 4, totalPages: 2 });
    expect(dataOf<unknown[]>(page)[0]).toMatchObject({ eventId: eventA, integrationId: integrationX, attemptNumber: 1, status: 'failed', statusCode: 500 });
  });

  it('filters by status, eventId and integrationId', async () => {
    expect(await listed('?status=failed')).toEqual(named('a3', 'a1'));
    expect(await listed(`?eventId=${eventA}`)).toEqual(named('a3', 'a2', 'a1'));
    expect(await listed(`?integrationId=${integrationX}`)).toEqual(named('a4', 'a2', 'a1'));
    expect(await listed(`?status=success&integrationId=${integrationX}&eventId=${eventA}`)).toEqual(named('a2'));
    expect(await listed(`?integrationId=${integrationY}&status=success`)).toEqual([]);
  });

  it.each(['status=pending', 'eventId=not-a-uuid', 'integrationId=42', 'pageSize=101'])(
    'when the query has %s, returns 400 INVALID_QUERY',
    async (query) => {
      const response = await fx.get(`/api/v1/deliveries?${query}`);
      expect(response.status).toBe(400);
      expect(errorOf(response).code).toBe('INVALID_QUERY');
    },
  );
});

describe('GET /audit-entries and /audit-entries/verify', () => {
  let fx: ManagementFixture;
  let ids: number[];
  const facts: SeedAuditFact[] = [
    { factId: 'event.received:e-1', entityType: 'event', entityId: 'e-1', action: 'received', actor: 'provider:acme', details: { provider: 'acme' }, correlationId: 'c-1' },
    { factId: 'replay.requested:r-1', entityType: 'replay', entityId: 'r-1', action: 'requested', actor: 'ops-user', details: { eventId: 'e-1', reason: 'outage' } },
    { factId: 'event.received:e-2', entityType: 'event', entityId: 'e-2', action: 'received', actor: 'provider:globex', details: { provider: 'globex', nested: { b: 1, a: [1, 2] } } },
  ];

  beforeAll(async () => {
    fx = await startManagement('mgmt-audit');
  });

  beforeEach(async () => {
    await fx.db.raw('TRUNCATE audit_entries RESTART IDENTITY');
    ids = await appendAuditChain(fx.db, facts);
  });

  afterAll(async () => {
    await fx.close();
  });

  const listed = async (query: string): Promise<number[]> => {
    const response = await fx.get(`/api/v1/audit-entries${query}`);
    expect(response.status).toBe(200);
    return idsOf<number>(response);
  };

  it('lists entries newest first in the entry JSON shape, with paging meta', async () => {
    const response = await fx.get('/api/v1/audit-entries?pageSize=2');
    expect(idsOf(response)).toEqual([ids[2], ids[1]]);
    expect(metaOf(response)).toEqual({ page: 1, pageSize: 2, total: 3, totalPages: 2 });
    expect(Object.keys(dataOf<object[]>(response)[0]!).sort()).toEqual([
      'action', 'actor', 'correlationId', 'details', 'entityId', 'entityType', 'factId', 'hash', 'id', 'occurredAt', 'prevHash', 'recordedAt',
      'workspaceId',
    ]);
    expect(dataOf<unknown[]>(response)[1]).toMatchObject({
      factId: 'replay.requested:r-1', actor: 'ops-user', correlationId: null, details: { reason: 'outage' }, workspaceId: null,
    });
  });

  it('filters by entityType, entityId and action', async () => {
    expect(await listed('?entityType=event')).toEqual([ids[2], ids[0]]);
    expect(await listed('?entityId=e-1')).toEqual([ids[0]]);
    expect(await listed('?action=requested')).toEqual([ids[1]]);
    expect(await listed('?entityType=event&action=requested')).toEqual([]);
  });

  it('when the query is invalid, returns 400 INVALID_QUERY', async () => {
    const response = await fx.get('/api/v1/audit-entries?page=-1');
    expect([response.status, errorOf(response).code]).toEqual([400, 'INVALID_QUERY']);
  });

  it('when the chain is intact, verify reports it valid', async () => {
    const response = await fx.get('/api/v1/audit-entries/verify');
    expect(response.status).toBe(200);
    expect(dataOf(response)).toEqual({ valid: true, checked: 3, firstInvalidId: null });
  });

  it('when an entry is edited in SQL, verify names that entry', async () => {
    await fx.db('audit_entries').where({ id: ids[1] }).update({ details: JSON.stringify({ eventId: 'e-1', reason: 'nothing happened' }) });
    const response = await fx.get('/api/v1/audit-entries/verify');
    expect(dataOf(response)).toEqual({ valid: false, checked: 2, firstInvalidId: ids[1] });
  });

  it('when a middle entry is deleted, verify names the entry after the gap', async () => {
    await fx.db('audit_entries').where({ id: ids[1] }).delete();
    const response = await fx.get('/api/v1/audit-entries/verify');
    expect(dataOf(response)).toEqual({ valid: false, checked: 2, firstInvalidId: ids[2] });
  });

  it('when the log spans several verification batches, every link is still checked', async () => {
    const many: SeedAuditFact[] = Array.from({ length: 2_100 }, (_, index) => ({
      factId: `job.delivered:j-${index}`, entityType: 'job', entityId: `j-${index}`, action: 'delivered', actor: 'dispatcher', details: { attempt: 1 },
    }));
    const appended = await appendAuditChain(fx.db, many);
    expect(dataOf(await fx.get('/api/v1/audit-entries/verify'))).toEqual({ valid: true, checked: 2_103, firstInvalidId: null });

    const tampered = appended[1_500]!;
    await fx.db('audit_entries').where({ id: tampered }).update({ actor: 'someone-else' });
    expect(dataOf(await fx.get('/api/v1/audit-entries/verify'))).toEqual({ valid: false, checked: 1_504, firstInvalidId: tampered });
  });

  describe('with entries about workspaces', () => {
    const teamA = '0b7c1e52-4d8f-4a3e-9c21-5f6a7b8c9d0e';
    const teamB = '7e6d5c4b-3a29-4f18-8e07-d6c5b4a39281';
    let workspaced: number[];

    beforeEach(async () => {
      // Hashed with their workspace, as the audit service appends them; the column holds it too.
      workspaced = await appendAuditChain(fx.db, [
        { factId: 'integration.created:a-1', entityType: 'integration', entityId: 'a-1', action: 'created', actor: 'team-a-key', details: {}, workspaceId: teamA },
        { factId: 'integration.created:b-1', entityType: 'integration', entityId: 'b-1', action: 'created', actor: 'team-b-key', details: {}, workspaceId: teamB },
      ]);
      await fx.db('audit_entries').where({ id: workspaced[0] }).update({ workspace_id: teamA });
      await fx.db('audit_entries').where({ id: workspaced[1] }).update({ workspace_id: teamB });
    });

    it('lists each entry with its workspace, null for the entries about none, and operators filter by workspaceId', async () => {
      const all = dataOf<{ id: number; workspaceId: string | null }[]>(await fx.get('/api/v1/audit-entries'));
      expect(all.map((entry) => [entry.id, entry.workspaceId])).toEqual([
        [workspaced[1], teamB], [workspaced[0], teamA], [ids[2], null], [ids[1], null], [ids[0], null],
      ]);
      expect(await listed(`?workspaceId=${teamA}`)).toEqual([workspaced[0]]);
    });

    it('a caller narrowed to a workspace sees only its entries; a filter naming another workspace lists nothing', async () => {
      const asTeamA = narrowedBearer(fx, 'team-a-lead', 'webhooks:read', teamA);
      const own = await fx.http.get('/api/v1/audit-entries').set('authorization', asTeamA);
      expect([own.status, idsOf<number>(own)]).toEqual([200, [workspaced[0]]]);
      expect(metaOf(own)).toMatchObject({ total: 1 });
      const other = await fx.http.get(`/api/v1/audit-entries?workspaceId=${teamB}`).set('authorization', asTeamA);
      expect([other.status, idsOf(other), metaOf(other)]).toEqual([200, [], { page: 1, pageSize: 20, total: 0, totalPages: 0 }]);
      expect(idsOf(await fx.http.get('/api/v1/audit-entries?entityType=integration').set('authorization', asTeamA))).toEqual([workspaced[0]]);
    });

    it('verifies a chain of entries with and without a workspace; only an operator may (403 OPERATOR_ONLY when narrowed)', async () => {
      expect(dataOf(await fx.get('/api/v1/audit-entries/verify'))).toEqual({ valid: true, checked: 5, firstInvalidId: null });
      const narrowed = await fx.http.get('/api/v1/audit-entries/verify').set('authorization', narrowedBearer(fx, 'team-a-lead', 'webhooks:read', teamA));
      expect([narrowed.status, errorOf(narrowed).code]).toEqual([403, 'OPERATOR_ONLY']);
    });

    it.each([
      ['moved to another workspace', { workspace_id: teamB }],
      ['stripped of its workspace', { workspace_id: null }],
    ])('when an entry is %s in SQL, verify names that entry', async (_case, change) => {
      await fx.db('audit_entries').where({ id: workspaced[0] }).update(change);
      expect(dataOf(await fx.get('/api/v1/audit-entries/verify'))).toEqual({ valid: false, checked: 4, firstInvalidId: workspaced[0] });
    });

    it('when an entry without a workspace is given one in SQL, verify names that entry', async () => {
      await fx.db('audit_entries').where({ id: ids[1] }).update({ workspace_id: teamA });
      expect(dataOf(await fx.get('/api/v1/audit-entries/verify'))).toEqual({ valid: false, checked: 2, firstInvalidId: ids[1] });
    });
  });

  it('when the log is empty, verify reports it valid with nothing checked', async () => {
    await fx.db.raw('TRUNCATE audit_entries RESTART IDENTITY');
    expect(dataOf(await fx.get('/api/v1/audit-entries/verify'))).toEqual({ valid: true, checked: 0, firstInvalidId: null });
  });
});
