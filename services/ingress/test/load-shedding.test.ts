// INGRESS_MAX_INFLIGHT_BYTES: while webhooks whose bodies add up to the limit are in hand, the next one
// is answered 503 with retry-after before its body is read, nothing of it is stored, and the bytes are
// given back when a response closes, whether it was answered or its client went away.
import { request as httpRequest, type ClientRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { waitFor } from '@hookway/testing';
import { acmeBody, acmeSignature, countEvents, dataOf, errorOf, startHarness, type Harness } from './support.js';

describe('ingress sheds load beyond its in-flight byte budget', () => {
  let harness: Harness;

  beforeAll(async () => {
    // Room for one body of about 2 KB in hand, not two.
    harness = await startHarness('ingressshedding', { configure: (config) => ({ ...config, ingressMaxInflightBytes: 3_000 }) });
  });

  afterAll(async () => {
    await harness.stop();
  });

  const bodyOfSize = (bytes: number): string => {
    const body = acmeBody({ data: { note: '' } });
    const text = JSON.stringify(body);
    return JSON.stringify({ ...body, data: { note: 'x'.repeat(bytes - text.length) } });
  };

  const post = (text: string) => request(harness.url)
    .post('/api/v1/webhooks/acme')
    .set('content-type', 'application/json')
    .set('x-acme-signature', acmeSignature(harness.config, text))
    .send(text);

  /** Starts a webhook and sends only the first half of its body, so it stays in hand. */
  const holdHalfSent = (text: string): { request: ClientRequest; answer: Promise<number> } => {
    const url = new URL('/api/v1/webhooks/acme', harness.url);
    let req: ClientRequest | undefined;
    const answer = new Promise<number>((resolve, reject) => {
      req = httpRequest(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(text)),
          'x-acme-signature': acmeSignature(harness.config, text),
        },
      }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.write(text.slice(0, text.length / 2));
    });
    return { request: req!, answer };
  };

  const inflightBytes = async (): Promise<number> => {
    const text = (await request(harness.opsUrl).get('/metrics')).text;
    const line = /^hookway_ingress_inflight_bytes\{[^}]*\} (\d+)$/m.exec(text);
    return Number(line?.[1] ?? Number.NaN);
  };

  it('answers 503 while the budget is taken, stores nothing of it, and admits again once the bytes are back', async () => {
    const held = bodyOfSize(2_000);
    const first = holdHalfSent(held);
    await waitFor(async () => (await inflightBytes()) === 2_000 || undefined, { what: 'the first webhook to be in hand' });

    const before = await countEvents(harness.database);
    const refused = await post(bodyOfSize(2_000));
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(errorOf(refused).code).toBe('UNAVAILABLE');
    expect(await countEvents(harness.database)).toBe(before);

    first.request.end(held.slice(held.length / 2));
    expect(await first.answer).toBe(202);
    await waitFor(async () => (await inflightBytes()) === 0 || undefined, { what: 'the bytes to be given back' });

    const admitted = await post(bodyOfSize(2_000));
    expect(admitted.status).toBe(202);
    expect(dataOf(admitted).eventId).toEqual(expect.any(String));

    const metrics = (await request(harness.opsUrl).get('/metrics')).text;
    expect(metrics).toContain('hookway_webhooks_total{provider="acme",outcome="UNAVAILABLE",service="ingress"} 1');
  });

  it('gives the bytes back when a client goes away mid-body', async () => {
    const held = holdHalfSent(bodyOfSize(2_000));
    held.answer.catch(() => undefined);
    await waitFor(async () => (await inflightBytes()) === 2_000 || undefined, { what: 'the webhook to be in hand' });
    held.request.destroy();
    await waitFor(async () => (await inflightBytes()) === 0 || undefined, { what: 'the bytes of the abandoned webhook to be given back' });
    expect((await post(bodyOfSize(2_000))).status).toBe(202);
  });

  it('always admits one webhook, even one larger than the budget', async () => {
    expect((await post(bodyOfSize(5_000))).status).toBe(202);
  });
});
