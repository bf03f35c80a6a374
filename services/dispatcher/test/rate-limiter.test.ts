import { describe, expect, it } from '@jest/globals';
import { isLate, reservedSlots } from '../src/domain/rate-limiter.js';

describe('reservedSlots (generic cell rate algorithm)', () => {
  const now = 1_000_000;

  it('after an idle spell, lets `burst` requests go at once and spaces the rest one interval apart', () => {
    // 5/s with a burst of 3: interval 200 ms, tolerance 400 ms.
    expect(reservedSlots({ previousMs: now - 10_000, nowMs: now, pausedUntilMs: 0 }, 6, 200, 400)).toEqual([0, 0, 0, 200, 400, 600]);
  });

  it('with a burst of 1, spaces every request one interval apart, after those reserved before', () => {
    expect(reservedSlots({ previousMs: now + 1_000, nowMs: now, pausedUntilMs: 0 }, 3, 200, 0)).toEqual([1_000, 1_200, 1_400]);
  });

  it('holds every slot until a receiver\'s pause ends', () => {
    expect(reservedSlots({ previousMs: now, nowMs: now, pausedUntilMs: now + 2_000 }, 2, 100, 0)).toEqual([2_000, 2_100]);
  });

  it('reserving one at a time gives the same slots as reserving them together', () => {
    let previousMs = now - 5_000;
    const oneByOne: number[] = [];
    for (let index = 0; index < 5; index += 1) {
      oneByOne.push(...reservedSlots({ previousMs, nowMs: now, pausedUntilMs: 0 }, 1, 250, 500));
      previousMs = Math.max(previousMs, now) + 250;
    }
    expect(oneByOne).toEqual(reservedSlots({ previousMs: now - 5_000, nowMs: now, pausedUntilMs: 0 }, 5, 250, 500));
  });
});

describe('isLate (a paced job that missed its slot reserves again)', () => {
  const limit = { perSecond: 5, burst: 1 };

  it('keeps a slot the job comes back for within one interval, early or late', () => {
    expect(isLate(10_000, 9_000, limit)).toBe(false);
    expect(isLate(10_000, 10_200, limit)).toBe(false);
  });

  it('gives up a slot missed by more than one interval, which would go out with the next slots\' jobs', () => {
    expect(isLate(10_000, 10_201, limit)).toBe(true);
    expect(isLate(10_000, 15_000, { perSecond: 100, burst: 1 })).toBe(true);
  });

  it('never for a receiver\'s pause alone (no rate limit to keep)', () => {
    expect(isLate(10_000, 60_000, null)).toBe(false);
  });
});
