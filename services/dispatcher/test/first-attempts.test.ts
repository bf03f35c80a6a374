import { describe, expect, it } from '@jest/globals';
import type { JobMessage } from '@hookway/contracts';
import { silentLogger } from '@hookway/testing';
import { FirstAttempts } from '../src/domain/first-attempts.js';
import type { ClaimedJob } from '../src/domain/ports.js';

const job = (n: number): JobMessage => ({ jobId: `job-${n}`, eventId: `event-${n}`, integrationId: 'integration', attempt: 1 });

/** An attempt that ends when the test says so, remembering how it was asked. */
function heldAttempts() {
  const started: Array<{ jobId: string; redelivered: boolean; claim(): void; finish(error?: Error): void }> = [];
  const attempt = (message: JobMessage, context: { correlationId: string; redelivered: boolean; onClaimed: () => void }) => new Promise<void>((resolve, reject) => {
    started.push({ jobId: message.jobId, redelivered: context.redelivered, claim: context.onClaimed, finish: (error) => (error ? reject(error) : resolve()) });
  });
  const attemptClaimed = (claimed: ClaimedJob) => new Promise<void>((resolve, reject) => {
    started.push({ jobId: claimed.job.id, redelivered: false, claim: () => undefined, finish: (error) => (error ? reject(error) : resolve()) });
  });
  // Every integration takes a delivery at once, except those named 'paced…'.
  const admitsAtOnce = async (integrationId: string) => !integrationId.startsWith('paced');
  return { started, attempt, attemptClaimed, admitsAtOnce };
}

/** A job created with attempt 1 claimed, as createForDispatches answers it. */
function claimedJob(n: number): ClaimedJob {
  return {
    job: {
      id: `job-${n}`, eventId: `event-${n}`, integrationId: 'integration', replayRequestId: null, status: 'delivering', attemptCount: 1,
      maxAttempts: 5, lastStatusCode: null, lastError: null, nextAttemptAt: null, completedAt: null, orderKey: null,
    },
    event: undefined,
    target: undefined,
  };
}

describe('FirstAttempts: first attempts in the fanning-out process', () => {
  it('takes at most its slots, then answers undefined so the fan-out publishes the job message', async () => {
    const { started, attempt, attemptClaimed, admitsAtOnce } = heldAttempts();
    const published: string[] = [];
    const ended: string[] = [];
    const first = new FirstAttempts({
      attempt, attemptClaimed, admitsAtOnce, publishJob: async (message) => { published.push(message.jobId); }, slots: 2, logger: silentLogger(), onEnded: (outcome) => ended.push(outcome),
    });

    const runs = [first.tryStart(job(1), 'c1'), first.tryStart(job(2), 'c2'), first.tryStart(job(3), 'c3')];

    expect(runs.map((run) => run !== undefined)).toEqual([true, true, false]);
    expect(started.map((entry) => [entry.jobId, entry.redelivered])).toEqual([['job-1', false], ['job-2', false]]);
    started[0]!.finish();
    await runs[0];
    expect(first.inFlight).toBe(1);
    expect(first.tryStart(job(4), 'c4')).toBeDefined();
    started[1]!.finish();
    started[2]!.finish();
    await Promise.all([runs[1], first.stop()]);
    expect(ended).toEqual(['done', 'done', 'done']);
    expect(published).toEqual([]);
  });

  it('takes over a claimed first attempt as a redelivery even when every slot is taken', async () => {
    const { started, attempt, attemptClaimed, admitsAtOnce } = heldAttempts();
    const first = new FirstAttempts({ attempt, attemptClaimed, admitsAtOnce, publishJob: async () => undefined, slots: 1, logger: silentLogger() });

    const held = first.tryStart(job(1), 'c1');
    const takeover = first.tryStart(job(2), 'c2', true);

    expect(takeover).toBeDefined();
    expect(started.map((entry) => [entry.jobId, entry.redelivered])).toEqual([['job-1', false], ['job-2', true]]);
    for (const entry of started) entry.finish();
    await Promise.all([held, takeover, first.stop()]);
  });

  it('sends a job whose attempt failed through its queue: as a copy that may take the attempt over once it held the claim, plain before', async () => {
    const { started, attempt, attemptClaimed, admitsAtOnce } = heldAttempts();
    const published: Array<[string, boolean]> = [];
    const ended: string[] = [];
    const first = new FirstAttempts({
      attempt, attemptClaimed, admitsAtOnce, publishJob: async (message, _correlationId, options) => { published.push([message.jobId, options.takeover]); },
      slots: 1, logger: silentLogger(), onEnded: (outcome) => ended.push(outcome),
    });

    // Failed before any claim (the pacer, or the claim statement itself): nobody's attempt to take over.
    const beforeClaim = first.tryStart(job(6), 'c6');
    started[0]!.finish(new Error('connection terminated'));
    await beforeClaim;
    // Failed after its claim (the record, say): its copy may take the attempt it held over.
    const afterClaim = first.tryStart(job(7), 'c7');
    started[1]!.claim();
    started[1]!.finish(new Error('connection terminated'));
    await afterClaim;

    expect(published).toEqual([['job-6', false], ['job-7', true]]);
    expect(ended).toEqual(['queued', 'queued']);
  });

  it('once stopping, takes nothing new and waits for the attempts running', async () => {
    const { started, attempt, attemptClaimed, admitsAtOnce } = heldAttempts();
    const first = new FirstAttempts({ attempt, attemptClaimed, admitsAtOnce, publishJob: async () => undefined, slots: 4, logger: silentLogger() });
    const running = first.tryStart(job(1), 'c1');

    let stopped = false;
    const stopping = first.stop().then(() => { stopped = true; });
    expect(first.tryStart(job(2), 'c2')).toBeUndefined();
    expect(first.tryStart(job(3), 'c3', true)).toBeUndefined();
    await Promise.resolve();
    expect(stopped).toBe(false);
    started[0]!.finish();
    await Promise.all([running, stopping]);
    expect(stopped).toBe(true);
  });
  it('reserves slots for jobs to be created claimed, only for integrations that take a delivery at once, and counts them as taken', async () => {
    const { started, attempt, attemptClaimed, admitsAtOnce } = heldAttempts();
    const first = new FirstAttempts({ attempt, attemptClaimed, admitsAtOnce, publishJob: async () => undefined, slots: 3, logger: silentLogger() });

    const held = first.tryStart(job(1), 'c1');
    // Two slots are left: the paced integration's job gets none, the third unpaced one finds them taken.
    expect(await first.reserve(['integration', 'paced-a', 'integration', 'integration'])).toEqual([true, false, true, false]);
    expect(first.tryStart(job(2), 'c2')).toBeUndefined();

    // One job was created claimed; the other reservation is given back, and a plain first attempt may use it.
    const claimed = first.startClaimed(claimedJob(3), 'c3');
    first.release(1);
    const plain = first.tryStart(job(4), 'c4');
    expect(plain).toBeDefined();
    expect(started.map((entry) => entry.jobId)).toEqual(['job-1', 'job-3', 'job-4']);
    expect(first.inFlight).toBe(3);
    expect(await first.reserve(['integration'])).toEqual([false]);

    for (const entry of started) entry.finish();
    await Promise.all([held, claimed, plain]);
    expect(await first.reserve(['integration', 'integration'])).toEqual([true, true]);
    first.release(2);
    await first.stop();
    expect(await first.reserve(['integration'])).toEqual([false]);
  });

  it('sends a job created claimed whose attempt failed through its queue, as attempt 1', async () => {
    const { started, attempt, attemptClaimed, admitsAtOnce } = heldAttempts();
    const published: Array<[JobMessage, boolean]> = [];
    const first = new FirstAttempts({
      attempt, attemptClaimed, admitsAtOnce, publishJob: async (message, _correlationId, options) => { published.push([message, options.takeover]); }, slots: 1, logger: silentLogger(),
    });
    expect(await first.reserve(['integration'])).toEqual([true]);
    const run = first.startClaimed(claimedJob(8), 'c8');
    started[0]!.finish(new Error('connection terminated'));
    await run;
    // Its job was created claimed: the copy may take that attempt over.
    expect(published).toEqual([[{ jobId: 'job-8', eventId: 'event-8', integrationId: 'integration', attempt: 1 }, true]]);
  });
  it('a takeover of an attempt still running in this process (its fan-out run again) is that attempt, not a second one', async () => {
    const { started, attempt, attemptClaimed, admitsAtOnce } = heldAttempts();
    const first = new FirstAttempts({ attempt, attemptClaimed, admitsAtOnce, publishJob: async () => undefined, slots: 2, logger: silentLogger() });
    expect(await first.reserve(['integration'])).toEqual([true]);
    const claimed = first.startClaimed(claimedJob(5), 'c5');
    const plain = first.tryStart(job(6), 'c6');

    expect(first.tryStart(job(5), 'c5', true)).toBe(claimed);
    expect(first.tryStart(job(6), 'c6', true)).toBe(plain);
    expect(started.map((entry) => entry.jobId)).toEqual(['job-5', 'job-6']);

    for (const entry of started) entry.finish();
    await Promise.all([claimed, plain]);
    // Once it has ended, a takeover is a redelivery's again.
    const again = first.tryStart(job(5), 'c5', true);
    expect(started.map((entry) => [entry.jobId, entry.redelivered])).toEqual([['job-5', false], ['job-6', false], ['job-5', true]]);
    started[2]!.finish();
    await Promise.all([again, first.stop()]);
  });
});
