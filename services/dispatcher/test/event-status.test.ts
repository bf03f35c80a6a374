import { describe, expect, it } from '@jest/globals';
import { rollUpEventStatus } from '../src/domain/event-status.js';

describe('rollUpEventStatus', () => {
  it('is processed when no integration subscribes (no jobs) or every job succeeded', () => {
    expect(rollUpEventStatus([])).toBe('processed');
    expect(rollUpEventStatus(['succeeded', 'succeeded'])).toBe('processed');
  });

  it('is processing while any job is pending, delivering or parked and none waits for a retry', () => {
    expect(rollUpEventStatus(['pending', 'failed'])).toBe('processing');
    expect(rollUpEventStatus(['delivering', 'dead'])).toBe('processing');
    expect(rollUpEventStatus(['parked', 'succeeded'])).toBe('processing');
  });

  it('is retrying while any job waits for a retry, whatever the others', () => {
    expect(rollUpEventStatus(['retrying', 'succeeded', 'dead'])).toBe('retrying');
    expect(rollUpEventStatus(['delivering', 'retrying'])).toBe('retrying');
    expect(rollUpEventStatus(['pending', 'parked', 'retrying'])).toBe('retrying');
  });

  it('is failed once all jobs are terminal and any failed or died', () => {
    expect(rollUpEventStatus(['succeeded', 'failed'])).toBe('failed');
    expect(rollUpEventStatus(['dead'])).toBe('failed');
  });
});
