import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import {
  CLAIMABLE_JOB_STATUSES, eventMessage, fromStatuses, isAllowedTransition, isEventMessage, isJobMessage, JOB_STATUSES, JOB_STEPS,
  JOB_TRANSITIONS, jobLifecycleMermaid, jobMessage, LEGACY_JOB_STATUSES, mayClaim, nextAttemptOf, OPEN_JOB_STATUSES,
  publishEventMessage, publishJobMessage, replayMessage, soleStatus, TERMINAL_JOB_STATUSES, toStatuses, UNFINISHED_JOB_STATUSES,
  type JobStatus, type MessageSink,
} from '../src/index.js';

const JOB = { jobId: '6f1c1b8e-2f4a-4a43-9d2e-0a0e5b1e7c11', eventId: '0b8f6a3e-5c6d-4e7f-8a9b-1c2d3e4f5a6b', integrationId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' };

describe('the job lifecycle table', () => {
  it('names only statuses the delivery_jobs CHECK constraint allows, and every step has a transition', () => {
    for (const { from, to } of JOB_TRANSITIONS) {
      if (from !== null) expect(JOB_STATUSES).toContain(from);
      expect(JOB_STATUSES).toContain(to);
    }
    for (const step of JOB_STEPS) expect(toStatuses(step).length).toBeGreaterThan(0);
  });

  it('reaches every status except the legacy ones, and no step leaves a terminal status', () => {
    const reached = new Set(JOB_TRANSITIONS.map((t) => t.to));
    for (const status of JOB_STATUSES) expect(reached.has(status) || LEGACY_JOB_STATUSES.includes(status)).toBe(true);
    for (const status of TERMINAL_JOB_STATUSES) expect(JOB_TRANSITIONS.filter((t) => t.from === status)).toEqual([]);
  });

  it('keeps the status groups consistent with the table', () => {
    expect(CLAIMABLE_JOB_STATUSES).toEqual(['pending', 'delivering', 'retrying']);
    expect(UNFINISHED_JOB_STATUSES).toEqual([...OPEN_JOB_STATUSES, 'waiting']);
    // An unfinished job is one that some step can still move.
    const movable = new Set(JOB_TRANSITIONS.flatMap((t) => (t.from === null ? [] : [t.from])));
    expect([...movable].sort()).toEqual([...UNFINISHED_JOB_STATUSES].sort());
  });

  it('gives each single-status step the status its statement writes, and refuses a step with several', () => {
    const single: Array<[Parameters<typeof toStatuses>[0], 'from' | 'to', JobStatus]> = [
      ['claim', 'to', 'delivering'], ['park', 'from', 'delivering'], ['park', 'to', 'parked'],
      ['releaseWaiting', 'from', 'waiting'], ['releaseWaiting', 'to', 'pending'], ['settleStranded', 'to', 'dead'],
    ];
    for (const [step, side, status] of single) expect(soleStatus(side === 'to' ? toStatuses(step) : fromStatuses(step))).toBe(status);
    expect(() => soleStatus(toStatuses('record'))).toThrow(/expected one job status/);
    expect(isAllowedTransition('releaseParked', 'parked', 'retrying')).toBe(true);
    expect(isAllowedTransition('releaseParked', 'dead', 'retrying')).toBe(false);
    expect(isAllowedTransition('rescue', 'retrying', 'pending')).toBe(false);
  });

  it('is drawn verbatim in docs/job-lifecycle.md', () => {
    const doc = readFileSync(new URL('../../../docs/job-lifecycle.md', import.meta.url), 'utf8');
    expect(doc).toContain(`\`\`\`mermaid\n${jobLifecycleMermaid()}\n\`\`\``);
  });
});

describe('the claim rule', () => {
  it('takes attempt N of a job that made N-1 and is not being delivered', () => {
    expect(mayClaim({ status: 'pending', attemptCount: 0 }, 1, false)).toBe(true);
    expect(mayClaim({ status: 'retrying', attemptCount: 2 }, 3, false)).toBe(true);
    expect(mayClaim({ status: 'retrying', attemptCount: 2 }, 2, false)).toBe(false);
    expect(mayClaim({ status: 'retrying', attemptCount: 2 }, 4, false)).toBe(false);
  });

  it('lets only a redelivered copy take over the attempt in flight', () => {
    expect(mayClaim({ status: 'delivering', attemptCount: 3 }, 3, true)).toBe(true);
    expect(mayClaim({ status: 'delivering', attemptCount: 3 }, 3, false)).toBe(false);
    expect(mayClaim({ status: 'delivering', attemptCount: 2 }, 3, false)).toBe(false);
  });

  it('never takes a parked, waiting or ended job', () => {
    for (const status of ['parked', 'waiting', 'succeeded', 'failed', 'dead'] as const) {
      expect(mayClaim({ status, attemptCount: 0 }, 1, false)).toBe(false);
      expect(mayClaim({ status, attemptCount: 1 }, 1, true)).toBe(false);
    }
  });

  it('is what the next message of a job is built for', () => {
    const job = { status: 'retrying' as const, attemptCount: 4 };
    expect(mayClaim(job, nextAttemptOf(job), false)).toBe(true);
  });
});

describe('message builders', () => {
  const sent: Array<{ exchange: string; routingKey: string; body: unknown; options: object }> = [];
  const sink: MessageSink = {
    publish: async (exchange, routingKey, body, options) => {
      sent.push({ exchange, routingKey, body, options });
    },
  };

  it('publish a job message with its attempt-scoped id and type job', async () => {
    sent.length = 0;
    const message = jobMessage(JOB, 3);
    expect(isJobMessage(message)).toBe(true);
    await publishJobMessage(sink, { exchange: 'jobs', routingKey: 'job' }, message, 'corr-1');
    expect(sent).toEqual([{
      exchange: 'jobs', routingKey: 'job', body: { ...JOB, attempt: 3 },
      options: { messageId: `${JOB.jobId}:3`, correlationId: 'corr-1', type: 'job' },
    }]);
    expect(jobMessage(JOB, 1, 1234)).toEqual({ ...JOB, attempt: 1, notBefore: 1234 });
  });

  it('publish an event message under the event id and a replay under the replay request id', async () => {
    sent.length = 0;
    const event = eventMessage({ id: JOB.eventId, provider: 'acme', type: 'order.created' });
    const replay = replayMessage({ id: JOB.jobId, eventId: JOB.eventId, provider: 'acme', eventType: 'order.created' });
    expect(isEventMessage(event) && isEventMessage(replay)).toBe(true);
    await publishEventMessage(sink, 'events', event, null);
    await publishEventMessage(sink, 'events', replay, 'corr-2');
    expect(sent).toEqual([
      { exchange: 'events', routingKey: 'acme.order.created', body: { kind: 'event', eventId: JOB.eventId, provider: 'acme', type: 'order.created' },
        options: { messageId: JOB.eventId, type: 'event' } },
      { exchange: 'events', routingKey: 'acme.order.created',
        body: { kind: 'replay', eventId: JOB.eventId, replayRequestId: JOB.jobId, provider: 'acme', type: 'order.created' },
        options: { messageId: JOB.jobId, type: 'event', correlationId: 'corr-2' } },
    ]);
  });
});
