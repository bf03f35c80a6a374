// Wall-clock milliseconds with sub-millisecond precision that agree across processes on this machine
// (performance.timeOrigin is the process start on the system clock), so a 202 seen by the harness and an
// arrival seen by the receiver process can be subtracted.
import { setTimeout as delay } from 'node:timers/promises';

export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** Sleeps, or rejects with the abort reason as soon as the run is aborted. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  await delay(ms, undefined, signal ? { signal } : undefined);
}

/** Polls until `check` returns true or `limitMs` passes; resolves with whether it became true. */
export async function pollUntil(
  check: () => Promise<boolean> | boolean,
  { limitMs, intervalMs = 250, signal }: { limitMs: number; intervalMs?: number; signal?: AbortSignal },
): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs, signal);
  }
}
