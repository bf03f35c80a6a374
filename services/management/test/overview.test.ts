// GET /stats/overview: the console overview's per-minute counts and backlog figures, from real rows.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dataOf, errorOf, insertAttempt, insertEvent, insertIntegration, insertJob, startManagement, type ManagementFixture } from './management-fixture.js';

interface OverviewBody {
  windowMinutes: number;
  perMinute: { minute: string; received: number; delivered: number; failed: number }[];
  integrationsByState: Record<string, number>;
  deadLetters: number;
  pendingJobs: number;
  oldestPendingJob: { id: string; status: string } | null;
}

const MINUTE = 60_000;

/** Start of the UTC minute `minutesAgo` minutes before `now`. */
function minuteStart(now: number, minutesAgo: number): number {
  return Math.floor(now / MINUTE) * MINUTE - minutesAgo * MINUTE;
}

describe('GET /stats/overview', () => {
  let fx: ManagementFixture;
  let oldestWaitingJob: string;
  const now = Date.now();
  const at = (minutesAgo: number, second: number): string => new Date(minuteStart(now, minutesAgo) + second * 1000).toISOString();

  beforeAll(async () => {
    fx = await startManagement('mgmt-overview');
    const active = await insertIntegration(fx.db);
    await insertIntegration(fx.db, { state: 'paused' });
    await insertIntegration(fx.db, { state: 'disabled' });
    await insertIntegration(fx.db, { state: 'disabled' });
    // Two events three minutes ago, one a minute ago, one two hours ago (outside the window).
    const e1 = await insertEvent(fx.db, { receivedAt: at(3, 5) });
    const e2 = await insertEvent(fx.db, { receivedAt: at(3, 40) });
    const e3 = await insertEvent(fx.db, { receivedAt: at(1, 1) });
    const e4 = await insertEvent(fx.db, { receivedAt: at(120, 0) });
    const j1 = await insertJob(fx.db, { eventId: e1, integrationId: active, status: 'succeeded', createdAt: at(3, 6) });
    const j2 = await insertJob(fx.db, { eventId: e2, integrationId: active, status: 'dead', createdAt: at(3, 41) });
    oldestWaitingJob = await insertJob(fx.db, { eventId: e3, integrationId: active, status: 'retrying', createdAt: at(1, 2) });
    await insertJob(fx.db, { eventId: e4, integrationId: active, status: 'pending', createdAt: at(0, 0) });
    await insertAttempt(fx.db, { jobId: j1, eventId: e1, integrationId: active, attemptNumber: 1, status: 'failed', statusCode: 500, createdAt: at(3, 7) });
    await insertAttempt(fx.db, { jobId: j1, eventId: e1, integrationId: active, attemptNumber: 2, status: 'success', statusCode: 200, createdAt: at(2, 1) });
    await insertAttempt(fx.db, { jobId: j2, eventId: e2, integrationId: active, attemptNumber: 1, status: 'failed', statusCode: 404, createdAt: at(3, 42) });
    await insertAttempt(fx.db, { jobId: oldestWaitingJob, eventId: e3, integrationId: active, attemptNumber: 1, status: 'failed', errorCode: 'TIMEOUT', createdAt: at(1, 3) });
    await insertAttempt(fx.db, { jobId: j1, eventId: e1, integrationId: active, attemptNumber: 3, status: 'success', statusCode: 200, createdAt: at(200, 0) });
  });

  afterAll(async () => {
    await fx.close();
  });

  it('counts events received and attempts delivered and failed per minute over the last hour, empty minutes as 0', async () => {
    const response = await fx.get('/api/v1/stats/overview');
    expect(response.status).toBe(200);
    const overview = dataOf<OverviewBody>(response);
    expect(overview.windowMinutes).toBe(60);
    expect(overview.perMinute).toHaveLength(60);
    const minutes = overview.perMinute.map((bucket) => Date.parse(bucket.minute));
    expect(minutes).toEqual([...minutes].sort((a, b) => a - b));
    expect(minutes[1]! - minutes[0]!).toBe(MINUTE);
    const bucket = (minutesAgo: number) => overview.perMinute.find((entry) => Date.parse(entry.minute) === minuteStart(now, minutesAgo));
    expect(bucket(3)).toMatchObject({ received: 2, delivered: 0, failed: 2 });
    expect(bucket(2)).toMatchObject({ received: 0, delivered: 1, failed: 0 });
    expect(bucket(1)).toMatchObject({ received: 1, delivered: 0, failed: 1 });
    // The event two hours ago and the attempt 200 minutes ago are outside the window.
    const totals = overview.perMinute.reduce((sum, entry) => sum + entry.received + entry.delivered + entry.failed, 0);
    expect(totals).toBe(7);
  });

  it('gives integrations by state, the dead letters, and the oldest job still waiting', async () => {
    const overview = dataOf<OverviewBody>(await fx.get('/api/v1/stats/overview'));
    expect(overview.integrationsByState).toEqual({ active: 1, paused: 1, disabled: 2 });
    expect(overview.deadLetters).toBe(1);
    expect(overview.pendingJobs).toBe(2);
    expect(overview.oldestPendingJob).toMatchObject({ id: oldestWaitingJob, status: 'retrying' });
  });

  it('takes a shorter window in minutes', async () => {
    // The window ends at the request, which on a busy machine may come minutes after the rows above were
    // dated: an event received now is in it whatever the clock says, and the seeded ones count only when
    // their minute is one of the window's.
    const seeded = [at(3, 5), at(3, 40), at(1, 1), at(120, 0), new Date().toISOString()];
    await insertEvent(fx.db, { receivedAt: seeded[4]! });
    const overview = dataOf<OverviewBody>(await fx.get('/api/v1/stats/overview?minutes=2'));
    expect(overview.perMinute).toHaveLength(2);
    const windowMinutes = new Set(overview.perMinute.map((entry) => Date.parse(entry.minute)));
    const expected = seeded.filter((receivedAt) => windowMinutes.has(Math.floor(Date.parse(receivedAt) / MINUTE) * MINUTE)).length;
    expect(expected).toBeGreaterThanOrEqual(1);
    expect(overview.perMinute.reduce((sum, entry) => sum + entry.received, 0)).toBe(expected);
  });

  it('when the window is out of range, answers 400 INVALID_QUERY naming minutes', async () => {
    const response = await fx.get('/api/v1/stats/overview?minutes=1441');
    expect(response.status).toBe(400);
    expect(errorOf(response).code).toBe('INVALID_QUERY');
    expect(JSON.stringify(errorOf(response).details)).toContain('minutes');
  });

  it('is readable with webhooks:read and refused without credentials', async () => {
    const reader = await fx.http.get('/api/v1/stats/overview').set('authorization', fx.bearer('reader', 'webhooks:read'));
    expect(reader.status).toBe(200);
    expect((await fx.http.get('/api/v1/stats/overview')).status).toBe(401);
  });
});
