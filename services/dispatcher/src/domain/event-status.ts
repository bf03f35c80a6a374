// An event's status is derived from its delivery jobs, never set by hand. Only the latest job per
// integration counts, so a successful replay clears an earlier failure for that integration.
import type { EventStatus, JobStatus } from '@hookway/contracts';

/**
 * pending/delivering/parked → processing (parked jobs wait for their integration to resume);
 * retrying → retrying; all terminal → failed if any failed or dead, else processed.
 * An event that no integration subscribes to is processed.
 */
export function rollUpEventStatus(latestJobStatuses: readonly JobStatus[]): EventStatus {
  const has = (...statuses: JobStatus[]): boolean => latestJobStatuses.some((status) => statuses.includes(status));
  if (has('pending', 'delivering', 'parked')) return 'processing';
  if (has('retrying')) return 'retrying';
  if (has('failed', 'dead')) return 'failed';
  return 'processed';
}
