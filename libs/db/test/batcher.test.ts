import { describe, expect, it } from '@jest/globals';
import { waitFor } from '@hookway/testing';
import { Batcher } from '../src/batcher.js';

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => { resolve = done; });
  return { promise, resolve };
}

describe('Batcher', () => {
  it('writes a lone item at once, in a batch of one', async () => {
    const batches: number[][] = [];
    const batcher = new Batcher<number, number>(async (items) => { batches.push(items); return items.map((n) => n * 2); }, { maxSize: 10 });
    await expect(batcher.add(21)).resolves.toBe(42);
    expect(batches).toEqual([[21]]);
  });

  it('groups the items that arrive while a batch is running, up to maxSize, and answers each caller with its own result', async () => {
    const batches: number[][] = [];
    const gate = deferred();
    const batcher = new Batcher<number, string>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate.promise;
      return items.map((n) => `r${n}`);
    }, { maxSize: 3 });

    const first = batcher.add(0);
    await new Promise((resolve) => setImmediate(resolve));
    const rest = [1, 2, 3, 4, 5, 6, 7].map((n) => batcher.add(n));
    gate.resolve();
    await expect(Promise.all([first, ...rest])).resolves.toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
    expect(batches).toEqual([[0], [1, 2, 3], [4, 5, 6], [7]]);
  });

  it('runs at most maxInFlight batches at once', async () => {
    let running = 0;
    let most = 0;
    const gate = deferred();
    const batcher = new Batcher<number, number>(async (items) => {
      running += 1;
      most = Math.max(most, running);
      await gate.promise;
      running -= 1;
      return items;
    }, { maxSize: 2, maxInFlight: 2 });
    const all = Promise.all(Array.from({ length: 20 }, (_, n) => batcher.add(n)));
    // Every writer waits on the gate: once two run, a third could only start if the limit failed.
    await waitFor(() => running === 2, { what: 'two batches to be running' });
    gate.resolve();
    await all;
    expect(most).toBe(2);
  });

  it('when retryAlone says so, a failed batch is tried item by item and only the bad item fails', async () => {
    const batcher = new Batcher<number, number>(async (items) => {
      if (items.includes(13)) throw Object.assign(new Error('bad value'), { code: '22P05' });
      return items;
    }, { maxSize: 10, retryAlone: (error) => (error as { code?: string }).code === '22P05' });
    const results = await Promise.allSettled([11, 12, 13, 14].map((n) => batcher.add(n)));
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  });

  it('without retryAlone, every caller of a failed batch gets its error', async () => {
    const batcher = new Batcher<number, number>(async () => { throw new Error('database down'); }, { maxSize: 10 });
    const results = await Promise.allSettled([1, 2, 3].map((n) => batcher.add(n)));
    expect(results.map((result) => result.status === 'rejected' && (result.reason as Error).message)).toEqual(['database down', 'database down', 'database down']);
  });

  it('refuses a writer that answers with the wrong number of results', async () => {
    const batcher = new Batcher<number, number>(async () => [], { maxSize: 10 });
    await expect(batcher.add(1)).rejects.toThrow('batch writer returned 0 results for 1 items');
  });

  it('counts as pending every item queued or in a batch under way, until its caller has its answer or error', async () => {
    const gate = deferred();
    const batcher = new Batcher<number, number>(async (items) => {
      await gate.promise;
      if (items.includes(3)) throw new Error('refused');
      return items;
    }, { maxSize: 2, maxInFlight: 1 });
    const results = Promise.allSettled([1, 2, 3].map((n) => batcher.add(n)));
    expect(batcher.pending).toBe(3);
    gate.resolve();
    expect((await results).map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(batcher.pending).toBe(0);
  });

  it('drain waits for queued and running batches', async () => {
    const written: number[] = [];
    const gate = deferred();
    let started = 0;
    const batcher = new Batcher<number, void>(async (items) => {
      started += 1;
      await gate.promise;
      written.push(...items);
      return items.map(() => undefined);
    }, { maxSize: 2 });
    for (let n = 0; n < 5; n += 1) void batcher.add(n);
    let drained = false;
    const draining = batcher.drain().then(() => {
      drained = true;
    });
    await waitFor(() => started > 0, { what: 'a batch to be running' });
    expect(drained).toBe(false);
    gate.resolve();
    await draining;
    expect(written).toEqual([0, 1, 2, 3, 4]);
  });
  it('with lingerMs, items that find the writer at rest wait together for one batch; drain does not wait out the linger', async () => {
    const batches: number[][] = [];
    const batcher = new Batcher<number, number>(async (items) => { batches.push(items); return items; }, { maxSize: 10, lingerMs: 60_000 });
    const first = batcher.add(1, { linger: true });
    // Turns of the event loop apart: without the linger, 1 would have gone alone.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const second = batcher.add(2, { linger: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([]);
    await batcher.drain();
    await expect(Promise.all([first, second])).resolves.toEqual([1, 2]);
    expect(batches).toEqual([[1, 2]]);
  });

  it('with lingerMs, a full batch goes at once, and what queues behind a running batch goes when it ends, not after the linger', async () => {
    const batches: number[][] = [];
    const gate = deferred();
    const batcher = new Batcher<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate.promise;
      return items;
    }, { maxSize: 2, lingerMs: 60_000 });
    const full = [batcher.add(1, { linger: true }), batcher.add(2, { linger: true })];
    await waitFor(() => batches.length === 1, { what: 'the full batch to go without waiting out the linger' });
    const behind = batcher.add(3, { linger: true });
    gate.resolve();
    // A linger of a minute would outlast the test: the batch's end sends 3 on.
    await expect(Promise.all([...full, behind])).resolves.toEqual([1, 2, 3]);
    expect(batches).toEqual([[1, 2], [3]]);
  });
  it('with lingerMs, an item that may not linger goes at once and takes a lingering queue along: awaited one by one, none waits the linger out', async () => {
    const batches: number[][] = [];
    const batcher = new Batcher<number, number>(async (items) => { batches.push(items); return items; }, { maxSize: 10, lingerMs: 60_000 });
    const lingering = batcher.add(1, { linger: true });
    await new Promise((resolve) => setImmediate(resolve));
    // A minute's linger would outlast the test: the item that may not wait sends both on.
    await expect(batcher.add(2)).resolves.toBe(2);
    await expect(lingering).resolves.toBe(1);
    for (const n of [3, 4, 5]) await expect(batcher.add(n)).resolves.toBe(n);
    expect(batches).toEqual([[1, 2], [3], [4], [5]]);
  });
});
