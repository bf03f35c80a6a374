import { describe, expect, it } from '@jest/globals';
import { disableReason } from '../src/domain/circuit-breaker.js';
import { classifyOutcome } from '../src/domain/delivery-outcome.js';
import { completionFor } from '../src/domain/job-delivery.js';
import { RetryPolicy } from '../src/domain/retry-policy.js';
import type { WebhookResult } from '../src/domain/ports.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
// DESIGN's default schedule: 5s, 30s, 2m, 10m, 30m, 1h, 2h, 4h, 8h, 12h.
const DEFAULT_SCHEDULE = [5 * SECOND, 30 * SECOND, 2 * MINUTE, 10 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR, 12 * HOUR];

describe('RetryPolicy', () => {
  const policy = new RetryPolicy(DEFAULT_SCHEDULE);

  it('allows the first attempt plus one per delay of the schedule', () => {
    expect(policy.maxAttempts).toBe(11);
    expect(new RetryPolicy([]).maxAttempts).toBe(1);
  });

  it('waits schedule[n-1] after attempt n failed, and gives up after the last attempt', () => {
    const waits = [];
    for (let failed = 1; failed <= 10; failed += 1) waits.push(policy.nextAttempt(failed, 11));
    expect(waits).toEqual(DEFAULT_SCHEDULE.map((delayMs, index) => ({ attempt: index + 2, delayMs })));
    expect(policy.nextAttempt(11, 11)).toBeUndefined();
    expect(new RetryPolicy([]).nextAttempt(1, 1)).toBeUndefined();
  });

  it('keeps a job\'s own maxAttempts when the schedule changed since it was created', () => {
    const shorter = new RetryPolicy([100, 200]);
    expect(shorter.nextAttempt(2, 3)).toEqual({ attempt: 3, delayMs: 200 });
    expect(shorter.nextAttempt(3, 5)).toEqual({ attempt: 4, delayMs: 200 });
    expect(shorter.nextAttempt(3, 3)).toBeUndefined();
  });

  it('rounds a Retry-After up to the smallest tier at least as long', () => {
    expect(policy.nextAttempt(1, 11, 20 * SECOND)).toEqual({ attempt: 2, delayMs: 30 * SECOND });
    expect(policy.nextAttempt(1, 11, 30 * SECOND)).toEqual({ attempt: 2, delayMs: 30 * SECOND });
    expect(policy.nextAttempt(1, 11, 90 * MINUTE)).toEqual({ attempt: 2, delayMs: 2 * HOUR });
  });

  it('caps a Retry-After beyond the largest tier at the largest tier', () => {
    expect(policy.nextAttempt(1, 11, 48 * HOUR)).toEqual({ attempt: 2, delayMs: 12 * HOUR });
  });

  it('never waits less than the schedule says, whatever Retry-After asks', () => {
    expect(policy.nextAttempt(3, 11, 0)).toEqual({ attempt: 4, delayMs: 2 * MINUTE });
    expect(policy.nextAttempt(3, 11, SECOND)).toEqual({ attempt: 4, delayMs: 2 * MINUTE });
  });

  it('has one tier per distinct delay, ascending, and maps a wait onto them', () => {
    const repeated = new RetryPolicy([50, 1_000, 50, 200]);
    expect(repeated.tiersMs).toEqual([50, 200, 1_000]);
    expect([0, 50, 51, 999, 1_000, 5_000].map((ms) => repeated.tierFor(ms))).toEqual([50, 50, 200, 1_000, 1_000, 1_000]);
    expect(() => new RetryPolicy([]).tierFor(10)).toThrow('empty');
  });
});

describe('completionFor', () => {
  const policy = new RetryPolicy([50, 1_000]);
  const now = Date.parse('2026-11-22T12:00:00Z');
  const response = (statusCode: number, headers: Record<string, string> = {}): WebhookResult =>
    ({ kind: 'response', statusCode, headers, latencyMs: 5, responseBody: '' });
  const complete = (result: WebhookResult, attemptCount: number) =>
    completionFor(classifyOutcome(result, now), result, { attemptCount, maxAttempts: 3 }, policy, now);

  it('succeeds on 2xx', () => {
    expect(complete(response(204), 1)).toEqual({ status: 'succeeded', lastError: null, lastStatusCode: 204 });
  });

  it('schedules the next attempt through a tier while attempts are left', () => {
    expect(complete(response(500), 1)).toEqual({
      status: 'retrying', lastError: 'HTTP_500: endpoint answered 500', lastStatusCode: 500,
      nextAttempt: 2, delayMs: 50, nextAttemptAt: new Date(now + 50),
    });
    expect(complete(response(429, { 'retry-after': '1' }), 1)).toMatchObject({ status: 'retrying', nextAttempt: 2, delayMs: 1_000 });
  });

  it('is dead when the last attempt failed, saying so in the reason', () => {
    expect(complete(response(503), 3)).toEqual({
      status: 'dead', lastError: 'attempts exhausted (3 of 3); last error HTTP_503: endpoint answered 503', lastStatusCode: 503, goneReason: null,
    });
  });

  it('is dead at once on a non-retryable answer, and asks to disable the integration on 410', () => {
    expect(complete(response(400), 1)).toMatchObject({ status: 'dead', lastError: 'HTTP_400: endpoint answered 400; not retried', goneReason: null });
    expect(complete({ kind: 'error', errorCode: 'SSRF_BLOCKED', message: 'blocked', latencyMs: 1, responseBody: null }, 1))
      .toMatchObject({ status: 'dead', lastError: 'SSRF_BLOCKED: blocked', lastStatusCode: null });
    expect(complete(response(410), 1)).toMatchObject({ status: 'dead', goneReason: 'endpoint answered 410 Gone' });
  });
});

describe('disableReason', () => {
  it('disables on 410 whatever the streak, and on the streak of failed jobs reaching the threshold', () => {
    expect(disableReason('endpoint answered 410 Gone', 1, 20)).toBe('endpoint answered 410 Gone');
    expect(disableReason(null, 19, 20)).toBeNull();
    expect(disableReason(null, 20, 20)).toBe('circuit breaker: 20 consecutive failed jobs');
  });
});
