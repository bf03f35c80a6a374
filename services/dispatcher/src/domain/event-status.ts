// An event's status is derived from its delivery jobs, never set by hand. Only the latest job per
// integration counts, so a successful replay clears an earlier failure for that integration.
import type { EventStatus, JobStatus } from '@hookway/contracts';

/**
 * retrying → retrying, whatever the others (a delivery already failed and waits for its next attempt:
 * that is what an operator needs to see); otherwise pending/delivering/parked → processing (parked
 * jobs wait for their integration to resume); all terminal → failed if any failed or died, else processed.
 * An event that no integration subscribes to is processed.
 */
export function rollUpEventStatus(latestJobStatuses: readonly JobStatus[]): EventStatus {
  const has = (...statuses: JobStatus[]): boolean => latestJobStatuses.some((status) => statuses.includes(status));
  if (has('retrying')) return 'retrying';
  if (has('pending', 'delivering', 'parked')) return 'processing';
  if (has('failed', 'dead')) return 'failed';
  return 'processed';
}
