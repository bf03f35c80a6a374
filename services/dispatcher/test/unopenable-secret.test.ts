import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { sealingKeyId } from '@hookway/signing';
import { startReceiver, waitFor, type Receiver } from '@hookway/testing';
import { attemptsOf, jobsOf, startDispatcher, uniqueProvider, waitForEventStatus, type DispatcherFixture } from './dispatcher-fixture.js';

// The key an operator sealed the integrations with before rotating to the service's current key.
const OLD_KEY = 'the-key-before-the-rotation-0001';

async function readJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('when a signing secret opens under no configured key', () => {
  let fx: DispatcherFixture;
  let sink: Receiver;

  beforeAll(async () => {
    fx = await startDispatcher('unopenable');
    sink = await startReceiver();
  });

  afterAll(async () => {
    await fx.close();
    await sink.close();
  });

  it('kills only that job at once, with the reason, disables its integration, and delivers the other integration', async () => {
    const provider = uniqueProvider('acme');
    const lost = await fx.insertIntegration({ provider, url: `${sink.url}/lost`, eventTypes: ['*'], sealedWith: OLD_KEY });
    const fine = await fx.insertIntegration({ provider, url: `${sink.url}/fine`, eventTypes: ['*'] });
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });
    await fx.publishEvent({ kind: 'event', eventId, provider, type: 'order.created' });

    expect(await waitForEventStatus(fx.db, eventId, 'failed', 'processed')).toBe('failed');
    const reason = `signing secret sealed under an unknown key ${sealingKeyId(OLD_KEY)}`;
    const jobs = await jobsOf(fx.db, eventId);
    const lostJob = jobs.find((job) => job.integration_id === lost.id)!;
    const fineJob = jobs.find((job) => job.integration_id === fine.id)!;
    expect(fineJob.status).toBe('succeeded');
    expect(lostJob).toMatchObject({ status: 'dead', attempt_count: 1, last_error: `SECRET_UNOPENABLE: ${reason}` });
    // The attempt is recorded, and nothing was sent for it.
    const attempts = (await attemptsOf(fx.db, eventId)).filter((attempt) => attempt.job_id === lostJob.id);
    expect(attempts).toEqual([expect.objectContaining({
      attempt_number: 1, status: 'failed', status_code: null, error_code: 'SECRET_UNOPENABLE', error_message: reason, request_headers: {},
    })]);
    expect(sink.requests.map((request) => request.path)).toEqual(['/fine']);

    const integration = await fx.db('integrations').where({ id: lost.id }).first<{ state: string; disabled_reason: string }>();
    expect(integration).toMatchObject({ state: 'disabled', disabled_reason: reason });
    const dead = await fx.waitForAudit(`job.dead_lettered:${lostJob.id}:1`);
    expect(dead.details).toMatchObject({ errorCode: 'SECRET_UNOPENABLE', reason: `SECRET_UNOPENABLE: ${reason}` });
    const disabled = await fx.waitForAudit(`integration.disabled:${lost.id}:${lostJob.id}`);
    expect(disabled.details).toMatchObject({ reason });
    expect(await waitFor(async () => (await fx.deadLetters()).find((letter) => (letter as { jobId?: string }).jobId === lostJob.id)))
      .toMatchObject({ reason: `SECRET_UNOPENABLE: ${reason}` });

    // A disabled integration gets no more jobs (until resumed), so later events do not die one by one.
    const laterId = await fx.insertEvent({ provider, type: 'order.paid' });
    await fx.publishEvent({ kind: 'event', eventId: laterId, provider, type: 'order.paid' });
    expect(await waitForEventStatus(fx.db, laterId, 'processed', 'failed')).toBe('processed');
    expect((await jobsOf(fx.db, laterId)).map((job) => job.integration_id)).toEqual([fine.id]);
  });

  it('reports the count on /ready (still 200) and as the gauge hookway_integrations_unopenable', async () => {
    const ready = await waitFor(async () => {
      const answer = await readJson(`${fx.opsUrl()}/ready`);
      return answer.body.integrations_unopenable === 1 ? answer : undefined;
    }, { what: '/ready to count the unopenable integration' });
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
    const metrics = await (await fetch(`${fx.opsUrl()}/metrics`)).text();
    expect(metrics).toMatch(/^hookway_integrations_unopenable\{service="dispatcher"\} 1$/m);
  });
});

describe('when the key that sealed a secret is configured as a previous key', () => {
  let fx: DispatcherFixture;
  let sink: Receiver;

  beforeAll(async () => {
    fx = await startDispatcher('previouskey', { SECRET_ENCRYPTION_KEY_PREVIOUS: `another-old-key-0000001,${OLD_KEY}` });
    sink = await startReceiver();
  });

  afterAll(async () => {
    await fx.close();
    await sink.close();
  });

  it('opens it and delivers, signed with that secret', async () => {
    const provider = uniqueProvider('acme');
    const integration = await fx.insertIntegration({ provider, url: `${sink.url}/hook`, eventTypes: ['*'], sealedWith: OLD_KEY });
    const eventId = await fx.insertEvent({ provider, type: 'order.created' });
    await fx.publishEvent({ kind: 'event', eventId, provider, type: 'order.created' });

    expect(await waitForEventStatus(fx.db, eventId, 'processed', 'failed')).toBe('processed');
    const [request] = sink.requests;
    const headers = Object.fromEntries(Object.entries(request!.headers).map(([name, value]) => [name, String(value)]));
    expect(() => new Webhook(integration.secret).verify(request!.body, headers)).not.toThrow();
    const ready = await readJson(`${fx.opsUrl()}/ready`);
    expect(ready.body.integrations_unopenable).toBe(0);
  });
});
