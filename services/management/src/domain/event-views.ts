// The operator's views of one event: its detail (snapshot, jobs, attempts) and its processing status.
import type { EventStatus } from '@hookway/contracts';
import type {
  DeliveryAttempt, DeliveryAttemptStore, DeliveryJob, DeliveryJobStore, EventReader, EventSnapshot, StoredEvent, WorkspaceScope,
} from './ports.js';

export const RECENT_JOBS = 10;

export interface EventDetail extends StoredEvent {
  snapshot: EventSnapshot;
  jobs: DeliveryJob[];
  attempts: DeliveryAttempt[];
}

export interface ProcessingStatus {
  eventId: string;
  status: EventStatus;
  attemptCount: number;
  lastError: string | null;
  recentJobs: DeliveryJob[];
}

/** What went wrong on a failed attempt, in the most specific words the attempt has. */
export function describeFailure(attempt: DeliveryAttempt): string | null {
  if (attempt.errorMessage) return attempt.errorMessage;
  if (attempt.errorCode) return attempt.errorCode;
  return attempt.statusCode === null ? null : `HTTP ${attempt.statusCode}`;
}

export class EventViews {
  constructor(
    private readonly events: EventReader,
    private readonly jobs: DeliveryJobStore,
    private readonly attempts: DeliveryAttemptStore,
  ) {}

  /** An event outside the scope is undefined, as an unknown one; its jobs and attempts are its workspace's. */
  async detail(eventId: string, scope: WorkspaceScope): Promise<EventDetail | undefined> {
    const event = await this.events.findWithSnapshot(eventId, scope);
    if (!event) return undefined;
    const [jobs, attempts] = await Promise.all([this.jobs.listForEvent(eventId), this.attempts.listForEvent(eventId)]);
    return { ...event, jobs, attempts };
  }

  async status(eventId: string, scope: WorkspaceScope): Promise<ProcessingStatus | undefined> {
    const event = await this.events.find(eventId, scope);
    if (!event) return undefined;
    const [attemptCount, failed, jobError, recentJobs] = await Promise.all([
      this.attempts.countForEvent(eventId),
      this.attempts.latestFailedForEvent(eventId),
      this.jobs.latestErrorForEvent(eventId),
      this.jobs.recentForEvent(eventId, RECENT_JOBS),
    ]);
    const lastError = (failed && describeFailure(failed)) ?? jobError;
    return { eventId, status: event.status, attemptCount, lastError, recentJobs };
  }
}
