import { describe, expect, it } from '@jest/globals';
import { classifyOutcome, parseRetryAfter, type DeliveryResult } from '../src/domain/delivery-outcome.js';

const response = (statusCode: number, headers: Record<string, string> = {}): DeliveryResult =>
  ({ kind: 'response', statusCode, headers, latencyMs: 12 });
const failure = (errorCode: string): DeliveryResult => ({ kind: 'error', errorCode, message: 'boom', latencyMs: 12 });

describe('classifyOutcome', () => {
  it('treats every 2xx as success', () => {
    for (const status of [200, 201, 202, 204, 299]) expect(classifyOutcome(response(status))).toEqual({ kind: 'success' });
  });

  it('treats a 3xx as a retryable failure because redirects are not followed', () => {
    expect(classifyOutcome(response(302))).toMatchObject({ kind: 'retry', errorCode: 'REDIRECT_NOT_FOLLOWED' });
    expect(classifyOutcome(response(301))).toMatchObject({ kind: 'retry', errorCode: 'REDIRECT_NOT_FOLLOWED' });
  });

  it('asks to disable the integration on 410 Gone', () => {
    expect(classifyOutcome(response(410))).toMatchObject({ kind: 'disable-integration', errorCode: 'HTTP_410' });
  });

  it('does not retry other 4xx answers', () => {
    for (const status of [400, 401, 403, 404, 413, 422]) {
      expect(classifyOutcome(response(status))).toMatchObject({ kind: 'dead', errorCode: `HTTP_${status}` });
    }
  });

  it('retries 408 and 429 among the 4xx', () => {
    expect(classifyOutcome(response(408))).toMatchObject({ kind: 'retry', errorCode: 'HTTP_408' });
    expect(classifyOutcome(response(429))).toMatchObject({ kind: 'retry', errorCode: 'HTTP_429' });
  });

  it('retries 5xx answers', () => {
    for (const status of [500, 502, 503, 504]) {
      expect(classifyOutcome(response(status))).toMatchObject({ kind: 'retry', errorCode: `HTTP_${status}` });
    }
  });

  it('honours Retry-After in seconds or as a date on 429 and 503, and ignores it elsewhere', () => {
    const now = Date.parse('2026-11-22T12:00:00Z');
    expect(classifyOutcome(response(429, { 'retry-after': '120' }), now)).toMatchObject({ kind: 'retry', retryAfterMs: 120_000 });
    expect(classifyOutcome(response(503, { 'Retry-After': 'Sun, 22 Nov 2026 12:00:30 GMT' }), now))
      .toMatchObject({ kind: 'retry', retryAfterMs: 30_000 });
    expect(classifyOutcome(response(500, { 'retry-after': '120' }), now)).not.toHaveProperty('retryAfterMs');
    expect(classifyOutcome(response(503, { 'retry-after': 'soon' }), now)).not.toHaveProperty('retryAfterMs');
  });

  it('retries timeouts and connection errors, but not a request that cannot be built or that the SSRF guard refused', () => {
    for (const code of ['TIMEOUT', 'CONNECTION_REFUSED', 'CONNECTION_RESET', 'DNS_LOOKUP_FAILED', 'EPROTO']) {
      expect(classifyOutcome(failure(code))).toMatchObject({ kind: 'retry', errorCode: code });
    }
    expect(classifyOutcome(failure('INVALID_REQUEST'))).toMatchObject({ kind: 'dead', errorCode: 'INVALID_REQUEST' });
    expect(classifyOutcome(failure('SSRF_BLOCKED'))).toMatchObject({ kind: 'dead', errorCode: 'SSRF_BLOCKED' });
  });
});

describe('parseRetryAfter', () => {
  it('never returns a negative delay for a date in the past', () => {
    expect(parseRetryAfter('Sun, 22 Nov 2026 11:00:00 GMT', Date.parse('2026-11-22T12:00:00Z'))).toBe(0);
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
  });
});
