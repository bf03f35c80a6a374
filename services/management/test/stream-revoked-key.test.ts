// A live stream opened with a workspace API key ends once the key is revoked: "revoked at once" holds
// for a connection that outlives the request that authenticated it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventSource } from 'eventsource';
import { seedApiKey, seedWorkspace, waitFor } from '@hookway/testing';
import { startManagement, type ManagementFixture } from './management-fixture.js';

describe('GET /stream with a workspace API key', () => {
  let fx: ManagementFixture;
  const opened: EventSource[] = [];

  beforeAll(async () => {
    fx = await startManagement('streamrevoked', { STREAM_HEARTBEAT: '100ms', STREAM_RETRY: '100ms' });
  });

  afterAll(async () => {
    for (const source of opened) source.close();
    await fx.close();
  });

  const open = async (key: string): Promise<{ source: EventSource; unauthorized: string[] }> => {
    const unauthorized: string[] = [];
    const source = new EventSource(`http://127.0.0.1:${fx.service.port}/api/v1/stream`, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, authorization: `Bearer ${key}` } }),
    });
    opened.push(source);
    source.addEventListener('unauthorized', (message) => unauthorized.push(String(message.data)));
    await new Promise<void>((resolve, reject) => {
      source.onopen = () => resolve();
      source.onerror = (error) => reject(new Error(`stream did not open: ${error.message ?? 'error'}`));
    });
    return { source, unauthorized };
  };

  it('ends with an `unauthorized` event at the first heartbeat after the key is revoked, and is not let back in', async () => {
    const workspaceId = await seedWorkspace(fx.db);
    const revoked = await seedApiKey(fx.db, { workspaceId, scopes: ['webhooks:read'] });
    const kept = await seedApiKey(fx.db, { workspaceId, scopes: ['webhooks:read'] });
    const [doomed, staying] = [await open(revoked.key), await open(kept.key)];

    await fx.db('api_keys').where({ id: revoked.id }).update({ revoked_at: fx.db.fn.now() });

    await waitFor(() => doomed.unauthorized.length > 0 && doomed.source.readyState === EventSource.CLOSED, { what: 'the revoked key\'s stream to end' });
    expect(JSON.parse(doomed.unauthorized[0]!)).toEqual({ code: 'UNAUTHORIZED', message: 'the API key has been revoked' });
    expect(staying.source.readyState).toBe(EventSource.OPEN);
    expect(staying.unauthorized).toEqual([]);
  });
});
