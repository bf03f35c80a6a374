import { describe, expect, it } from '@jest/globals';
import { captureLogger } from '@hookway/testing';
import { Resources, startWith } from '../src/index.js';

/** A stop that records its name when it runs (after a turn of the loop, as real closes do). */
function recorder(): { ran: string[]; stop: (name: string) => () => Promise<void> } {
  const ran: string[] = [];
  return { ran, stop: (name) => async () => { await Promise.resolve(); ran.push(name); } };
}

describe('Resources', () => {
  it('stops everything in the reverse of the order it was added, each once', async () => {
    const { ran, stop } = recorder();
    const resources = new Resources(captureLogger().logger);
    resources.add('pool', stop('pool'));
    resources.add('broker', stop('broker'));
    resources.add('sync', () => {
      ran.push('sync');
    });
    resources.add('server', stop('server'));

    await resources.stopAll();

    expect(ran).toEqual(['server', 'sync', 'broker', 'pool']);
  });

  it('when one stop fails, still runs the ones after it, logs the failure and rejects with it', async () => {
    const { ran, stop } = recorder();
    const { logger, lines } = captureLogger();
    const resources = new Resources(logger);
    resources.add('pool', stop('pool'));
    resources.add('broker', () => Promise.reject(new Error('broker went away')));
    resources.add('server', stop('server'));

    await expect(resources.stopAll()).rejects.toThrow('broker went away');

    expect(ran).toEqual(['server', 'pool']);
    expect(lines.join('')).toContain('could not stop broker');
    expect(lines.join('')).toContain('broker went away');
  });

  it('when several stops fail, rejects with every failure once all have run', async () => {
    const { ran, stop } = recorder();
    const resources = new Resources(captureLogger().logger);
    resources.add('pool', stop('pool'));
    resources.add('broker', () => {
      throw new Error('broker');
    });
    resources.add('server', () => Promise.reject(new Error('server')));

    const failure = await resources.stopAll().then(() => undefined, (error: unknown) => error);

    expect(failure).toBeInstanceOf(AggregateError);
    expect((failure as AggregateError).errors.map((error: Error) => error.message)).toEqual(['server', 'broker']);
    expect(ran).toEqual(['pool']);
  });

  it('a second stopAll runs nothing again and settles with the first', async () => {
    const { ran, stop } = recorder();
    const resources = new Resources(captureLogger().logger);
    resources.add('pool', stop('pool'));
    resources.add('server', stop('server'));

    const first = resources.stopAll();
    const concurrent = resources.stopAll();
    await Promise.all([first, concurrent]);
    await resources.stopAll();

    expect(concurrent).toBe(first);
    expect(ran).toEqual(['server', 'pool']);
    expect(() => resources.add('late', stop('late'))).toThrow('already stopping');
  });

  it('a reserved place stops its resource there, and nothing while the resource was never opened', async () => {
    const { ran, stop } = recorder();
    const resources = new Resources(captureLogger().logger);
    const stopOpsWith = resources.reserve('ops');
    resources.reserve('never opened');
    resources.add('pool', stop('pool'));
    resources.add('server', stop('server'));
    stopOpsWith(stop('ops'));

    await resources.stopAll();

    expect(ran).toEqual(['server', 'pool', 'ops']);
    expect(() => stopOpsWith(stop('ops again'))).toThrow('already given');
  });
});

describe('startWith', () => {
  it('gives what the start built and a stop that stops it in reverse', async () => {
    const { ran, stop } = recorder();
    const service = await startWith(captureLogger().logger, async (resources) => {
      resources.add('pool', stop('pool'));
      resources.add('server', stop('server'));
      return { port: 8080 };
    });

    expect(service.port).toBe(8080);
    expect(ran).toEqual([]);
    await service.stop();
    await service.stop();
    expect(ran).toEqual(['server', 'pool']);
  });

  it('when the start fails part way, stops what it had opened, then throws the start\'s own error', async () => {
    const { ran, stop } = recorder();
    const { logger, lines } = captureLogger();
    const started = startWith(logger, async (resources) => {
      resources.add('pool', stop('pool'));
      resources.add('broker', () => Promise.reject(new Error('broker close failed')));
      resources.add('server', stop('server'));
      throw new Error('ops port in use');
    });

    await expect(started).rejects.toThrow('ops port in use');
    expect(ran).toEqual(['server', 'pool']);
    expect(lines.join('')).toContain('broker close failed');
  });
});
