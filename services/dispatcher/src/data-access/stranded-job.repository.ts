// Jobs that lost their message, found and set going again (or settled) for the sweeper, one replica at a
// time: the sweep holds a transaction-level advisory lock, and rows are taken FOR UPDATE SKIP LOCKED, so
// a claim or a management release in flight is never waited for. A job 'delivering' whose consumer is
// gone is handed back the way a pause parks one: its unrecorded attempt does not count, and the next
// message for that attempt number can claim it (a live but stalled consumer then finds its result no
// longer recordable and drops it). Event statuses are refreshed in the same transaction.
import {
  PreparedQueries, prepared, RELEASE_ALL_WAITING, RELEASE_NEXT, RESCUE_STRANDED, SETTLE_STRANDED, toDeliveryJob, type DeliveryJobRow, type Knex,
} from '@hookway/db';
import {
  fromStatuses, jobMessage, OPEN_JOB_STATUSES, soleStatus, sqlStatusList, TERMINAL_JOB_STATUSES, type JobMessage,
} from '@hookway/contracts';
import type { StrandedJob, StrandedJobStore, SweepDecision } from '../domain/ports.js';
import { REFRESH_EVENT_STATUSES, sortedUnique } from './event.repository.js';
import { LOCK_SUBJECTS } from './job.repository.js';

// Any fixed 64-bit number shared by the replicas; this one spells "hw-sweep".
const SWEEP_LOCK = '7527535276120696176';

// The statuses the sweeper looks for (libs/contracts job-lifecycle.ts); what it changes, libs/db job-statements.ts changes.
const STRANDABLE = sqlStatusList(fromStatuses('rescue'));
const OPEN = sqlStatusList(OPEN_JOB_STATUSES);
const ENDED = sqlStatusList(TERMINAL_JOB_STATUSES);
const WAITING = soleStatus(fromStatuses('releaseWaiting'));

const TRY_SWEEP_LOCK = prepared('dispatcher_try_sweep_lock', `SELECT pg_try_advisory_xact_lock(${SWEEP_LOCK}::bigint) AS locked`);

// Open past its lease: a pending or delivering job untouched that long, a retrying one that long past its
// due time. The partial index delivery_jobs_open_idx (006) serves the scan. A rate-limited integration's
// jobs wait in the pacing queues without a write to their rows: while its budget is reserved into the
// future (or was until less than a lease ago), its jobs are not taken for stranded.
const FIND_STRANDED = prepared('dispatcher_find_stranded', `
  SELECT id, event_id, integration_id, status, attempt_count, sweeps
    FROM delivery_jobs
   WHERE status IN (${STRANDABLE})
     AND updated_at < now() - ($1::integer * interval '1 millisecond')
     AND (status <> 'retrying' OR COALESCE(next_attempt_at, updated_at) < now() - ($1::integer * interval '1 millisecond'))
     AND NOT EXISTS (SELECT 1 FROM integration_pacing p
                      WHERE p.integration_id = delivery_jobs.integration_id
                        AND greatest(p.theoretical_arrival_at, COALESCE(p.paused_until, p.theoretical_arrival_at))
                            > now() - ($1::integer * interval '1 millisecond'))
   ORDER BY id
   LIMIT $2::integer
     FOR UPDATE SKIP LOCKED`);

// Subjects whose line stopped with nobody at its head: jobs wait and none is open. The release of their
// next job was lost (a job settled dead by the sweeper, a job or event deleted), or the integration was
// switched to skip, or stopped ordering. In skip mode (and without ordering) such a subject is let go;
// with 'block' it is held only while its latest ended job is dead (the dead event not yet replayed).
const FIND_STALLED_SUBJECTS = prepared('dispatcher_find_stalled_subjects', `
  SELECT DISTINCT w.integration_id, w.order_key, i.ordering IS NULL AS unordered
    FROM delivery_jobs w JOIN integrations i ON i.id = w.integration_id
   WHERE w.status = '${WAITING}' AND w.order_key IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM delivery_jobs o
                      WHERE o.integration_id = w.integration_id AND o.order_key = w.order_key AND o.order_key IS NOT NULL
                        AND o.status IN (${OPEN}))
     AND (i.ordering IS NULL OR i.ordering_on_dead = 'skip'
          OR COALESCE((SELECT e.status = 'dead' FROM delivery_jobs e
                        WHERE e.integration_id = w.integration_id AND e.order_key = w.order_key
                          AND e.status IN (${ENDED})
                        ORDER BY e.completed_at DESC NULLS LAST, e.id DESC LIMIT 1), false) = false)
   LIMIT $1::integer`);

const STRANDED_COLUMNS = ['id', 'event_id', 'integration_id', 'status', 'attempt_count', 'sweeps'] as const;
type StrandedRow = Pick<DeliveryJobRow, (typeof STRANDED_COLUMNS)[number]>;

const toStranded = (row: StrandedRow): StrandedJob => toDeliveryJob(row, STRANDED_COLUMNS);

export class StrandedJobRepository implements StrandedJobStore {
  private readonly sql: PreparedQueries;

  constructor(db: Knex) {
    this.sql = new PreparedQueries(db);
  }

  async releaseStalledSubjects(limit: number): Promise<JobMessage[]> {
    return this.sql.transaction(async (tx) => {
      const stalled = await tx.query<{ integration_id: string; order_key: string; unordered: boolean }>(FIND_STALLED_SUBJECTS, [limit]);
      if (stalled.length === 0) return [];
      await tx.query(LOCK_SUBJECTS, [stalled.map((row) => row.integration_id), stalled.map((row) => row.order_key)]);
      // Under the locks the lines are read again: RELEASE_NEXT lets a subject go only while nothing of it is open.
      const ordered = stalled.filter((row) => !row.unordered);
      const unordered = stalled.filter((row) => row.unordered);
      const rows = [
        ...(ordered.length > 0
          ? await tx.query<{ id: string; event_id: string; integration_id: string }>(RELEASE_NEXT, [
            ordered.map((row) => row.integration_id), ordered.map((row) => row.order_key), ordered.map(() => false)])
          : []),
        ...(unordered.length > 0
          ? await tx.query<{ id: string; event_id: string; integration_id: string }>(RELEASE_ALL_WAITING, [
            unordered.map((row) => row.integration_id), unordered.map((row) => row.order_key)])
          : []),
      ];
      return rows.map((row) => jobMessage({ jobId: row.id, eventId: row.event_id, integrationId: row.integration_id }, 1));
    });
  }

  async sweep(
    leaseMs: number,
    limit: number,
    decide: (job: StrandedJob) => SweepDecision,
  ): Promise<{ swept: boolean; found: StrandedJob[]; rescued: StrandedJob[]; settled: StrandedJob[] }> {
    return this.sql.transaction(async (tx) => {
      const [lock] = await tx.query<{ locked: boolean }>(TRY_SWEEP_LOCK, []);
      if (!lock?.locked) return { swept: false, found: [], rescued: [], settled: [] };
      const found = (await tx.query<StrandedRow>(FIND_STRANDED, [leaseMs, limit])).map(toStranded);
      const rescue: string[] = [];
      const dead: Array<{ id: string; reason: string }> = [];
      for (const job of found) {
        const decision = decide(job);
        if (decision.settle === 'rescue') rescue.push(job.id);
        else dead.push({ id: job.id, reason: decision.reason });
      }
      const rescued = rescue.length > 0 ? (await tx.query<StrandedRow>(RESCUE_STRANDED, [rescue])).map(toStranded) : [];
      const settled = dead.length > 0
        ? (await tx.query<StrandedRow>(SETTLE_STRANDED, [dead.map((entry) => entry.id), dead.map((entry) => entry.reason)])).map(toStranded)
        : [];
      if (found.length > 0) await tx.query(REFRESH_EVENT_STATUSES, [sortedUnique(found.map((job) => job.eventId))]);
      return { swept: true, found, rescued, settled };
    });
  }
}
