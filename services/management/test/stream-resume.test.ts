// GET /stream resumes with a real EventSource: behind one address (a TCP proxy standing in for the load
// balancer) are two management replicas on one database. A client cut off from the first comes back, on
// its own, to the second with Last-Event-ID, and gets exactly the job facts it missed, in order, once,
// then the live ones; a client further behind than the window gets a notice, then the newest facts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { EventSource } from 'eventsource';
import { silentLogger, startTcpProxy, waitFor, type TcpProxy } from '@hookway/testing';
import { start, type RunningManagement } from '../src/main.js';
import { appendAuditChain, startManagement, type ManagementFixture, type SeedAuditFact } from './management-fixture.js';

const WINDOW = 3;
const JOB_EVENTS = ['job.delivered', 'job.retry_scheduled', 'job.dead_lettered', 'stream.missed'];

describe('GET /stream resumes from Last-Event-ID', () => {
  let fx: ManagementFixture;
  let replica: RunningManagement;
  let proxy: TcpProxy;
  const opened: EventSource[] = [];

  beforeAll(async () => {
    fx = await startManagement('mgmtresume', {
      STREAM_POLL_INTERVAL: '20ms', STREAM_RETRY: '50ms', STREAM_RESUME_WINDOW: String(WINDOW),
    });
    replica = await start(fx.config, silentLogger('management-replica'));
    proxy = await startTcpProxy('127.0.0.1', fx.service.port);
  });

  afterEach(() => {
    for (const source of opened.splice(0)) source.close();
    proxy.restore();
    proxy.retarget(fx.service.port);
  });

  afterAll(async () => {
    await proxy.close();
    await replica.stop();
    await fx.close();
  });

  const delivered = (): SeedAuditFact => ({
    factId: `job.delivered:${randomUUID()}`, entityType: 'job', entityId: randomUUID(), action: 'delivered', actor: 'dispatcher',
    details: { eventId: randomUUID(), integrationId: randomUUID(), attempt: 1, statusCode: 200, latencyMs: 5 },
  });

  /** Every event the client received, as "<event> <id>" (the missed notice as "stream.missed <data>"), in order; and its opens. */
  const follow = async (query: Record<string, string> = {}): Promise<{ source: EventSource; seen: string[]; opens: () => number }> => {
    const seen: string[] = [];
    let opens = 0;
    const url = `http://127.0.0.1:${proxy.port}/api/v1/stream?${new URLSearchParams({ key: fx.config.managementApiKey, ...query }).toString()}`;
    const source = new EventSource(url);
    opened.push(source);
    for (const type of JOB_EVENTS) {
      source.addEventListener(type, (message) => seen.push(type === 'stream.missed' ? `${type} ${message.data as string}` : `${type} ${message.lastEventId}`));
    }
    source.onopen = () => {
      opens += 1;
    };
    await waitFor(() => opens === 1, { what: 'the stream to open' });
    return { source, seen, opens: () => opens };
  };

  const ids = (positions: number[]): string[] => positions.map((position) => `job.delivered ${position}`);

  it('a client cut off and back on another replica gets exactly the facts it missed, in order, then the live ones', async () => {
    const client = await follow();
    const before = await appendAuditChain(fx.db, [delivered(), delivered()]);
    await waitFor(() => client.seen.length === 2, { what: 'the first two facts' });

    proxy.cut({ refuse: true });
    await waitFor(() => client.source.readyState === EventSource.CONNECTING, { what: 'the client to notice the cut' });
    const missed = await appendAuditChain(fx.db, [delivered(), delivered(), delivered()]);
    proxy.retarget(replica.port);
    proxy.restore();
    await waitFor(() => client.opens() === 2, { what: 'the client to reconnect' });
    const live = await appendAuditChain(fx.db, [delivered()]);
    await waitFor(() => client.seen.length === 6, { what: 'the missed and the live facts' });

    expect(client.seen).toEqual(ids([...before, ...missed, ...live]));
  });

  it('a client further behind than the window gets a notice, then the newest facts the window holds', async () => {
    const client = await follow();
    const [lastSeen] = await appendAuditChain(fx.db, [delivered()]);
    await waitFor(() => client.seen.length === 1, { what: 'the first fact' });

    proxy.cut({ refuse: true });
    await waitFor(() => client.source.readyState === EventSource.CONNECTING, { what: 'the client to notice the cut' });
    const missed = await appendAuditChain(fx.db, [delivered(), delivered(), delivered(), delivered(), delivered()]);
    proxy.restore();
    await waitFor(() => client.seen.length === 1 + 1 + WINDOW, { what: 'the notice and the window' });

    const kept = missed.slice(-WINDOW);
    expect(client.seen).toEqual([
      `job.delivered ${lastSeen}`,
      `stream.missed ${JSON.stringify({ lastEventId: String(lastSeen), replayedFrom: String(kept[0]), window: WINDOW })}`,
      ...ids(kept),
    ]);
  });

  it('a first connect with ?lastEventId= starts after that position', async () => {
    const [lastSeen, ...later] = await appendAuditChain(fx.db, [delivered(), delivered(), delivered()]);
    const client = await follow({ lastEventId: String(lastSeen) });
    await waitFor(() => client.seen.length === 2, { what: 'the facts after the given position' });
    expect(client.seen).toEqual(ids(later));
  });

  it('refuses a lastEventId that is not a position', async () => {
    const response = await fx.http.get('/api/v1/stream').query({ key: fx.config.managementApiKey, lastEventId: 'job.delivered:1' });
    expect(response.status).toBe(400);
    expect((response.body as { error: { code: string } }).error.code).toBe('INVALID_QUERY');
  });
});
