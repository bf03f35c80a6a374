// The life of a delivery job in one place: which step moves a job from which status to which, the claim
// rule that lets exactly one consumer own an attempt, and the status lists the statements that change
// delivery_jobs (libs/db job-statements.ts, run by the dispatcher and management) are written with.
// docs/job-lifecycle.md draws the table (libs/contracts/test/job-lifecycle.test.ts checks the drawing, and
// the table against the statuses).
import { JOB_STATUSES, type JobStatus } from './domain.js';

/** The steps that change a job's status, each done by one statement (named in JOB_STEP_OWNERS). */
export const JOB_STEPS = [
  'create', 'claim', 'record', 'park', 'releaseParked', 'repark', 'releaseWaiting', 'rescue', 'settleStranded',
] as const;
export type JobStep = (typeof JOB_STEPS)[number];

export interface JobTransition {
  /** null: the job is created in `to`. */
  from: JobStatus | null;
  to: JobStatus;
  step: JobStep;
}

const edge = (step: JobStep, from: JobStatus | null, ...to: JobStatus[]): JobTransition[] => to.map((status) => ({ from, to: status, step }));

/** Every allowed change of a job's status; a status change not listed here is a bug. */
export const JOB_TRANSITIONS: readonly JobTransition[] = [
  // Fan-out: a job goes at once, or waits behind the open job of its subject (ordered integrations), or is
  // created with its first attempt claimed by the fanning-out process, which makes that attempt itself.
  ...edge('create', null, 'pending', 'waiting', 'delivering'),
  // The claim rule (mayClaim): attempt N of a job that made N-1, or a redelivered copy of the attempt in flight.
  ...edge('claim', 'pending', 'delivering'),
  ...edge('claim', 'retrying', 'delivering'),
  ...edge('claim', 'delivering', 'delivering'),
  // The attempt's outcome, recorded only while the claim is still ours.
  ...edge('record', 'delivering', 'succeeded', 'retrying', 'dead'),
  // The integration is paused: the claimed attempt is not made and does not count.
  ...edge('park', 'delivering', 'parked'),
  // The integration resumed: its parked jobs go again, their message owed.
  ...edge('releaseParked', 'parked', 'pending', 'retrying'),
  // A released job whose message could not be published is parked again, unless claimed meanwhile.
  ...edge('repark', 'pending', 'parked'),
  ...edge('repark', 'retrying', 'parked'),
  // The open job of its subject ended: the next one goes.
  ...edge('releaseWaiting', 'waiting', 'pending'),
  // The sweeper: a job open past its lease is sent out again (a lost delivering attempt does not count) ...
  ...edge('rescue', 'pending', 'pending'),
  ...edge('rescue', 'retrying', 'retrying'),
  ...edge('rescue', 'delivering', 'pending', 'retrying'),
  // ... or, swept too often, settled dead.
  ...edge('settleStranded', 'pending', 'dead'),
  ...edge('settleStranded', 'delivering', 'dead'),
  ...edge('settleStranded', 'retrying', 'dead'),
];

/** Each step's statement (all in libs/db job-statements.ts) and who runs it, for the reader of docs/job-lifecycle.md. */
export const JOB_STEP_OWNERS: Record<JobStep, string> = {
  create: 'createJobsStatement (dispatcher_create_jobs), run by dispatcher JobRepository.createForDispatches',
  claim: 'claimJobsStatement (dispatcher_claim_jobs), run by dispatcher JobRepository.claimMany',
  record: 'RECORD_ATTEMPTS (dispatcher_record_attempts), run by dispatcher JobRepository.recordMany',
  park: 'PARK_JOB (dispatcher_park_job), run by dispatcher JobRepository.park',
  releaseParked: 'releaseParkedJobs, run by management DeliveryJobRepository.releaseParked',
  repark: 'reparkJobs, run by management DeliveryJobRepository.repark',
  releaseWaiting: 'RELEASE_NEXT (dispatcher_release_next), run by dispatcher JobRepository.recordMany and StrandedJobRepository.releaseStalledSubjects;'
    + ' RELEASE_ALL_WAITING (dispatcher_release_all_waiting), run by StrandedJobRepository.releaseStalledSubjects',
  rescue: 'RESCUE_STRANDED (dispatcher_rescue_stranded), run by dispatcher StrandedJobRepository.sweep',
  settleStranded: 'SETTLE_STRANDED (dispatcher_settle_stranded), run by dispatcher StrandedJobRepository.sweep',
};

/** Statuses from before jobs retried: rows may still hold them, no step leads there any more. */
export const LEGACY_JOB_STATUSES: readonly JobStatus[] = ['failed'];

const unique = (statuses: JobStatus[]): JobStatus[] => JOB_STATUSES.filter((status) => statuses.includes(status));

/** The statuses `step` moves a job out of, in JOB_STATUSES order. */
export function fromStatuses(step: JobStep): JobStatus[] {
  return unique(JOB_TRANSITIONS.filter((t) => t.step === step && t.from !== null).map((t) => t.from as JobStatus));
}

/** The statuses `step` moves a job into, in JOB_STATUSES order. */
export function toStatuses(step: JobStep): JobStatus[] {
  return unique(JOB_TRANSITIONS.filter((t) => t.step === step).map((t) => t.to));
}

/** The one status of a list (a step's only source or target), for a statement that names it with `=`. */
export function soleStatus(statuses: readonly JobStatus[]): JobStatus {
  const [status] = statuses;
  if (status === undefined || statuses.length !== 1) throw new Error(`expected one job status, got [${statuses.join(', ')}]`);
  return status;
}

export function isAllowedTransition(step: JobStep, from: JobStatus | null, to: JobStatus): boolean {
  return JOB_TRANSITIONS.some((t) => t.step === step && t.from === from && t.to === to);
}

/** Statuses of a job whose delivery is under way: a later job of its subject must wait for it. */
export const OPEN_JOB_STATUSES: readonly JobStatus[] = ['pending', 'delivering', 'retrying', 'parked'];
/** Statuses of a job with a delivery still to come (an integration's "pending" count). */
export const UNFINISHED_JOB_STATUSES: readonly JobStatus[] = [...OPEN_JOB_STATUSES, 'waiting'];
/** Statuses a message can claim (see mayClaim). */
export const CLAIMABLE_JOB_STATUSES: readonly JobStatus[] = fromStatuses('claim');

/**
 * The claim rule: a job message for attempt N takes its job only when the job has made N-1 attempts and
 * nobody is delivering it (a fresh job, one waiting for its retry, a released parked one), or when it is
 * RabbitMQ's redelivery of the very message whose consumer died mid-attempt N, or a copy that stands in for
 * one (JOB_TAKEOVER_HEADER: a redelivered message a pacing queue held, a job a failed in-process attempt
 * that held the claim hands back).
 */
export function mayClaim(job: { status: JobStatus; attemptCount: number }, attempt: number, redelivered: boolean): boolean {
  if (!CLAIMABLE_JOB_STATUSES.includes(job.status)) return false;
  return (job.attemptCount === attempt - 1 && job.status !== 'delivering')
    || (redelivered && job.attemptCount === attempt && job.status === 'delivering');
}

/** The attempt number of the message that lets a job be claimed next: one more than it made. */
export function nextAttemptOf(job: { attemptCount: number }): number {
  return job.attemptCount + 1;
}

/** `'a', 'b'`: statuses as an SQL list of literals (they are fixed words, never user input). */
export function sqlStatusList(statuses: readonly JobStatus[]): string {
  return statuses.map((status) => `'${status}'`).join(', ');
}

/**
 * mayClaim as an SQL condition over the job row `job` (an alias), the message's attempt number and its
 * redelivered flag (SQL expressions).
 */
export function claimRuleSql(job: string, attempt: string, redelivered: string): string {
  const unclaimable = JOB_STATUSES.filter((status) => !CLAIMABLE_JOB_STATUSES.includes(status));
  return `${job}.status NOT IN (${sqlStatusList(unclaimable)})
       AND ((${job}.attempt_count = ${attempt} - 1 AND ${job}.status <> 'delivering')
            OR (${redelivered} AND ${job}.attempt_count = ${attempt} AND ${job}.status = 'delivering'))`;
}

/** A mermaid state diagram of JOB_TRANSITIONS (docs/job-lifecycle.md holds it verbatim). */
export function jobLifecycleMermaid(): string {
  const lines = ['stateDiagram-v2'];
  for (const { from, to, step } of JOB_TRANSITIONS) lines.push(`    ${from ?? '[*]'} --> ${to} : ${step}`);
  for (const status of JOB_STATUSES) {
    if (!JOB_TRANSITIONS.some((t) => t.from === status)) lines.push(`    ${status} --> [*]`);
  }
  return lines.join('\n');
}
