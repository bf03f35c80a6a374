import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { captureLogger, startReceiver, waitFor, type Receiver } from '@hookway/testing';
import { startDispatcher, uniqueProvider, waitForEventStatus, type DispatcherFixture } from './dispatcher-fixture.js';

interface Line {
  level: string;
  message: string;
  status?: string;
}

describe('dispatcher logging at the default info level', () => {
  const { logger, lines } = captureLogger('dispatcher', 'info');
  const logged = (): Line[] => lines.map((line) => JSON.parse(line) as Line);
  let fx: DispatcherFixture;
  let receiver: Receiver;

  beforeAll(async () => {
    fx = await startDispatcher('displogging', { RETRY_SCHEDULE: '50ms' }, { logger });
    receiver = await startReceiver();
  });

  afterAll(async () => {
    await fx.close();
    await receiver.close();
  });

  it('writes no line for a new event fanned out and delivered, and one for each failed attempt', async () => {
    receiver.reply((request) => ({ status: request.path.endsWith('/fail') ? 500 : 200 }));
    const deliver = async (path: string): Promise<string> => {
      const provider = uniqueProvider('acme');
      await fx.insertIntegration({ provider, url: `${receiver.url}${path}`, eventTypes: ['order.created'] });
      const eventId = await fx.insertEvent({ provider, type: 'order.created' });
      await fx.publishEvent({ kind: 'event', eventId, provider, type: 'order.created' });
      return eventId;
    };

    await waitForEventStatus(fx.db, await deliver('/ok'), 'processed');
    await waitForEventStatus(fx.db, await deliver('/fail'), 'failed');

    const recorded = await waitFor(() => {
      const attempts = logged().filter((line) => line.message === 'delivery attempt recorded');
      return attempts.length === 2 ? attempts : undefined;
    }, { what: 'the failed attempts to be logged' });
    expect(recorded.map((line) => [line.level, line.status])).toEqual([['info', 'retrying'], ['info', 'dead']]);
    expect(logged().filter((line) => line.message === 'event fanned out')).toEqual([]);
  });
});
