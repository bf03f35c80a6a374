import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  fromStatuses, isAllowedTransition, JOB_STATUSES, JOB_STEPS, JOB_TRANSITIONS, toStatuses, type JobStatus, type JobStep,
} from '@hookway/contracts';
import { createTestDatabase, seedIntegration, type TestDatabase } from '@hookway/testing';
import {
  claimJobsStatement, createJobsStatement, PARK_JOB, PreparedQueries, RECORD_ATTEMPTS, RELEASE_ALL_WAITING, RELEASE_NEXT, releaseParkedJobs,
  reparkJobs, RESCUE_STRANDED, SETTLE_STRANDED, type Knex,
} from '../src/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface Move {
  from: JobStatus | null;
  to: JobStatus;
}

interface JobSeed {
  status: JobStatus;
  attemptCount: number;
  orderKey?: string;
  orderSeq?: number;
}

interface SeededJob extends JobSeed {
  id: string;
  eventId: string;
}

const describeMove = ({ from, to }: Move): string => `${from ?? '[*]'} -> ${to}`;
const distinctMoves = (moves: readonly Move[]): string[] => [...new Set(moves.map(describeMove))].sort();
const movesOfStep = (step: JobStep): string[] => distinctMoves(JOB_TRANSITIONS.filter((t) => t.step === step));

/** A job of each status, once for each attempt count. */
const everyStatus = (...attemptCounts: number[]): JobSeed[] =>
  JOB_STATUSES.flatMap((status) => attemptCounts.map((attemptCount) => ({ status, attemptCount })));

describe('the statements that change delivery_jobs', () => {
  let database: TestDatabase;
  let db: Knex;
  let sql: PreparedQueries;

  beforeAll(async () => {
    database = await createTestDatabase('jobstatements');
    db = database.db;
    sql = new PreparedQueries(db);
  });

  afterAll(async () => {
    await database.drop();
  });

  const newIntegration = (ordering: 'subject' | null = null): Promise<string> =>
    seedIntegration(db, { url: 'https://example.com/hook', secretSealed: 'sealed', ordering });

  async function newEvents(count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, () => randomUUID());
    if (count > 0) {
      await db('events').insert(ids.map((id) => ({
        id, provider: 'acme', external_id: `ext-${id}`, type: 'order.created', occurred_at: new Date(), subject: null,
        data: JSON.stringify({}), raw_headers: JSON.stringify({}), raw_body: '{}', published_at: new Date(),
      })));
    }
    return ids;
  }

  /** Each job with an event of its own, last changed an hour ago (so a statement's `updated_at = now()` shows). */
  async function seedJobs(integrationId: string, seeds: readonly JobSeed[]): Promise<SeededJob[]> {
    const eventIds = await newEvents(seeds.length);
    const jobs = seeds.map((seed, i) => ({ ...seed, id: randomUUID(), eventId: eventIds[i]! }));
    await db('delivery_jobs').insert(jobs.map((job) => ({
      id: job.id, event_id: job.eventId, integration_id: integrationId, status: job.status, attempt_count: job.attemptCount,
      max_attempts: 5, order_key: job.orderKey ?? null, order_seq: job.orderSeq ?? null, updated_at: db.raw(`now() - interval '1 hour'`),
    })));
    return jobs;
  }

  /** What `run` did to the integration's jobs: each job it created or changed, from its status before to its status after. */
  async function movesOf(integrationId: string, run: () => Promise<unknown>): Promise<Move[]> {
    const snapshot = async () => new Map(((await db('delivery_jobs').select('id', 'status', 'updated_at')
      .where({ integration_id: integrationId })) as Array<{ id: string; status: JobStatus; updated_at: Date }>)
      .map((row) => [row.id, row]));
    const before = await snapshot();
    await run();
    const after = await snapshot();
    return [...after.values()].flatMap((row): Move[] => {
      const was = before.get(row.id);
      if (!was) return [{ from: null, to: row.status }];
      return was.updated_at.getTime() === row.updated_at.getTime() ? [] : [{ from: was.status, to: row.status }];
    });
  }

  // Each statement is run on jobs of every status it may meet; the statements of rescue and settleStranded
  // take the ids of jobs the sweeper found open (fromStatuses of the step), so they meet only those.
  const scenarios: Array<{ step: JobStep; statement: string; moves: () => Promise<Move[]> }> = [
    {
      step: 'create', statement: 'createJobsStatement',
      moves: async () => {
        const integrationId = await newIntegration('subject');
        const existing = await seedJobs(integrationId, everyStatus(0).map((seed, i) => ({ ...seed, orderKey: 'line', orderSeq: i + 1 })));
        const [unordered, ordered, claimed] = await newEvents(3);
        const wanted = [
          { eventId: unordered!, orderKey: null, orderSeq: null, claimFirst: false },
          { eventId: ordered!, orderKey: 'line', orderSeq: 100, claimFirst: false },
          { eventId: claimed!, orderKey: null, orderSeq: null, claimFirst: true },
        ];
        const dispatched = [...wanted.map((pair) => pair.eventId), ...existing.map((job) => job.eventId)];
        return movesOf(integrationId, () => sql.query(createJobsStatement('e.id AS event_row_id, i.id AS target_id'), [
          5, wanted.map((pair) => pair.eventId), wanted.map(() => null), wanted.map(() => integrationId),
          dispatched, dispatched.map(() => null), [unordered, ordered, claimed], [true, true, true],
          wanted.map((pair) => pair.orderKey), wanted.map((pair) => pair.orderSeq), wanted.map((pair) => pair.claimFirst),
        ]));
      },
    },
    {
      step: 'claim', statement: 'claimJobsStatement',
      moves: async () => {
        const integrationId = await newIntegration();
        const next = await seedJobs(integrationId, everyStatus(0, 1, 2));
        const redelivered = await seedJobs(integrationId, everyStatus(1, 2));
        const messages = [
          ...next.map((job) => ({ job, attempt: job.attemptCount + 1, redelivered: false })),
          ...redelivered.map((job) => ({ job, attempt: job.attemptCount, redelivered: true })),
        ];
        return movesOf(integrationId, () => sql.query(claimJobsStatement('e.id AS event_row_id, i.id AS target_id'), [
          messages.map((m) => m.job.id), messages.map((m) => m.job.eventId), messages.map(() => integrationId),
          messages.map((m) => m.attempt), messages.map((m) => m.redelivered),
        ]));
      },
    },
    {
      step: 'record', statement: 'RECORD_ATTEMPTS',
      moves: async () => {
        const integrationId = await newIntegration();
        const entries = (await Promise.all(toStatuses('record').map(async (outcome) =>
          (await seedJobs(integrationId, everyStatus(1))).map((job) => ({ job, outcome })))))
          .flat();
        const column = <T>(pick: (entry: (typeof entries)[number]) => T): T[] => entries.map(pick);
        return movesOf(integrationId, () => sql.query(RECORD_ATTEMPTS, [
          column(({ job }) => job.id), column(({ job }) => job.eventId), column(() => integrationId), column(({ outcome }) => outcome),
          column(() => null), column(() => 200), column(() => null), column(({ job }) => job.attemptCount),
          column(({ outcome }) => (outcome === 'succeeded' ? 'success' : 'failed')), column(() => 200), column(() => 5),
          column(() => 'https://example.com/hook'), column(() => '{}'), column(() => null), column(() => null), column(() => null),
          column(() => null),
        ]));
      },
    },
    {
      step: 'park', statement: 'PARK_JOB',
      moves: async () => {
        const integrationId = await newIntegration();
        const jobs = await seedJobs(integrationId, everyStatus(1));
        return movesOf(integrationId, async () => {
          for (const job of jobs) await sql.query(PARK_JOB, [job.id]);
        });
      },
    },
    {
      step: 'releaseParked', statement: 'releaseParkedJobs',
      moves: async () => {
        const integrationId = await newIntegration();
        await seedJobs(integrationId, everyStatus(0, 1));
        return movesOf(integrationId, () => releaseParkedJobs(db, integrationId));
      },
    },
    {
      step: 'repark', statement: 'reparkJobs',
      moves: async () => {
        const integrationId = await newIntegration();
        const jobs = await seedJobs(integrationId, everyStatus(0, 1));
        return movesOf(integrationId, () => reparkJobs(db, jobs.map((job) => ({ jobId: job.id, attempt: job.attemptCount + 1 }))));
      },
    },
    {
      step: 'releaseWaiting', statement: 'RELEASE_NEXT',
      moves: async () => {
        const integrationId = await newIntegration('subject');
        // A line per status: a job of that status ahead of a waiting one.
        const lines = JOB_STATUSES.map((status) => ({ status, orderKey: `after-${status}` }));
        await seedJobs(integrationId, lines.flatMap(({ status, orderKey }) => [
          { status, attemptCount: 1, orderKey, orderSeq: 1 }, { status: 'waiting' as const, attemptCount: 0, orderKey, orderSeq: 2 },
        ]));
        return movesOf(integrationId, () => sql.query(RELEASE_NEXT, [
          lines.map(() => integrationId), lines.map((line) => line.orderKey), lines.map(() => false),
        ]));
      },
    },
    {
      step: 'releaseWaiting', statement: 'RELEASE_ALL_WAITING',
      moves: async () => {
        const integrationId = await newIntegration();
        const lines = JOB_STATUSES.map((status) => ({ status, orderKey: `after-${status}` }));
        await seedJobs(integrationId, lines.flatMap(({ status, orderKey }) => [
          { status, attemptCount: 1, orderKey, orderSeq: 1 }, { status: 'waiting' as const, attemptCount: 0, orderKey, orderSeq: 2 },
        ]));
        return movesOf(integrationId, () => sql.query(RELEASE_ALL_WAITING, [lines.map(() => integrationId), lines.map((line) => line.orderKey)]));
      },
    },
    {
      step: 'rescue', statement: 'RESCUE_STRANDED',
      moves: async () => {
        const integrationId = await newIntegration();
        const jobs = await seedJobs(integrationId, fromStatuses('rescue').flatMap((status) =>
          (status === 'pending' ? [0] : [1, 2]).map((attemptCount) => ({ status, attemptCount }))));
        return movesOf(integrationId, () => sql.query(RESCUE_STRANDED, [jobs.map((job) => job.id)]));
      },
    },
    {
      step: 'settleStranded', statement: 'SETTLE_STRANDED',
      moves: async () => {
        const integrationId = await newIntegration();
        const jobs = await seedJobs(integrationId, fromStatuses('settleStranded').map((status) => ({ status, attemptCount: 1 })));
        return movesOf(integrationId, () => sql.query(SETTLE_STRANDED, [jobs.map((job) => job.id), jobs.map(() => 'swept too often')]));
      },
    },
  ];

  it('have a statement for every step of the job lifecycle', () => {
    expect([...new Set(scenarios.map((scenario) => scenario.step))].sort()).toEqual([...JOB_STEPS].sort());
  });

  it.each(scenarios.map((scenario) => [scenario.step, scenario.statement, scenario] as const))(
    '%s (%s) moves a job only as the transition table allows, and makes every move of its step',
    async (step, _statement, scenario) => {
      const moves = await scenario.moves();
      expect(moves.filter((move) => !isAllowedTransition(step, move.from, move.to)).map(describeMove)).toEqual([]);
      expect(distinctMoves(moves)).toEqual(movesOfStep(step));
    },
  );
});

/** Lines of `source` with a statement that changes delivery_jobs: SQL text, or a knex builder on the table. */
function jobWritesIn(source: string): number[] {
  const lineOf = (index: number): number => source.slice(0, index).split('\n').length;
  const lines: number[] = [];
  for (const match of source.matchAll(/\b(?:UPDATE|INSERT\s+INTO|DELETE\s+FROM|MERGE\s+INTO|TRUNCATE)\s+(?:ONLY\s+)?(?:"?public"?\.)?"?delivery_jobs\b/gi)) {
    lines.push(lineOf(match.index));
  }
  for (const match of source.matchAll(/['"`]delivery_jobs['"`]/g)) {
    const end = source.indexOf(';', match.index);
    const chain = source.slice(match.index, end === -1 ? undefined : end);
    if (/\.\s*(?:update|insert|upsert|del|delete|increment|decrement|truncate)\s*[(<]/.test(chain)) lines.push(lineOf(match.index));
  }
  return lines.sort((a, b) => a - b);
}

describe('who changes delivery_jobs', () => {
  it('no service source does: every such statement is in libs/db/src/job-statements.ts', () => {
    const files = readdirSync(join(ROOT, 'services'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((service) => {
        const src = join(ROOT, 'services', service.name, 'src');
        try {
          return readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts')).map((file) => join(src, file));
        } catch {
          return [];
        }
      });
    expect(files.length).toBeGreaterThan(0);
    const found = files.flatMap((file) => jobWritesIn(readFileSync(file, 'utf8')).map((line) => `${relative(ROOT, file)}:${line}`));
    expect(found).toEqual([]);
  });

  it('the check sees SQL text and knex builders that change the table, and passes over reads', () => {
    expect(jobWritesIn(`const X = \`\n  UPDATE delivery_jobs j SET status = 'x'\`;`)).toEqual([2]);
    expect(jobWritesIn('db.raw(`insert into delivery_jobs (id) values (?)`, [id]);')).toEqual([1]);
    expect(jobWritesIn(`await this.db('delivery_jobs')\n  .whereIn('id', ids)\n  .update({ status })\n  .returning('id');`)).toEqual([1]);
    expect(jobWritesIn(`await trx({ j: 'delivery_jobs' }).where({ id }).del();`)).toEqual([1]);
    expect(jobWritesIn(`const row = await this.db<JobRow>('delivery_jobs').where({ id }).first();\nawait db('events').update({ x });`)).toEqual([]);
    expect(jobWritesIn('SELECT id FROM delivery_jobs WHERE status = $1 FOR UPDATE SKIP LOCKED')).toEqual([]);
  });

  it('finds each statement of the owner module (it is not blind to them)', () => {
    const owner = readFileSync(join(ROOT, 'libs/db/src/job-statements.ts'), 'utf8');
    // create, claim, record, park, releaseParked, repark, the two of releaseWaiting, rescue, settleStranded.
    expect(jobWritesIn(owner)).toHaveLength(10);
  });
});
