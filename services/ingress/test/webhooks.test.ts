import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { hmacSha256Hex } from '@hookway/signing';
import { captureLogger, waitFor } from '@hookway/testing';
import type { EventRow } from '@hookway/db';
import {
  acmeBody, acmeSignature, countEvents, dataOf, errorOf, globexBody, startHarness, takeMatching, type Harness,
} from './support.js';


describe('POST /api/v1/webhooks/:provider', () => {
  let harness: Harness;
  const logs = captureLogger('ingress', 'debug');

  beforeAll(async () => {
    harness = await startHarness('ingresswebhooks', { logger: logs.logger });
  });

  afterAll(async () => {
    await harness.stop();
  });

  const eventRow = async (id: string): Promise<EventRow | undefined> =>
    (await harness.database.db('events').where({ id }).first()) as EventRow | undefined;

  // null sends no header at all.
  const postAcme = (text: string, signature: string | null = acmeSignature(harness.config, text)) => {
    const call = request(harness.url).post('/api/v1/webhooks/acme').set('content-type', 'application/json');
    if (signature !== null) call.set('x-acme-signature', signature);
    return call.send(text);
  };

  const postGlobex = (text: string, token: string | null = harness.config.globexWebhookToken) => {
    const call = request(harness.url).post('/api/v1/webhooks/globex').set('content-type', 'application/json');
    if (token !== null) call.set('x-globex-token', token);
    return call.send(text);
  };

  /**
   * POSTs an acme webhook with node's own client, writing the body in the given pieces: no Content-Length
   * (chunked) when there is more than one, and no serialization by a test client.
   */
  const postRaw = (headers: Record<string, string>, pieces: (string | Buffer)[]) =>
    new Promise<{ status: number; eventId: string; code: string | undefined }>((resolve, reject) => {
      const single = pieces.length === 1 ? pieces[0]! : undefined;
      const call = httpRequest(`${harness.url}/api/v1/webhooks/acme`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(single === undefined ? {} : { 'content-length': String(Buffer.byteLength(single)) }), ...headers },
      }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () => {
          const body = JSON.parse(text) as { data?: { eventId: string }; error?: { code: string } };
          resolve({ status: response.statusCode ?? 0, eventId: body.data?.eventId ?? '', code: body.error?.code });
        });
      });
      call.on('error', reject);
      for (const piece of pieces.slice(0, -1)) call.write(piece);
      call.end(pieces.at(-1));
    });

  /** Runs a rejected request and checks that it left the events table untouched. */
  const expectRejected = async (send: () => PromiseLike<request.Response>, status: number, code: string) => {
    const before = await countEvents(harness.database);
    const response = await send();
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ success: false, error: { code, message: expect.any(String) } });
    expect(await countEvents(harness.database)).toBe(before);
    return response;
  };

  describe('acceptance', () => {
    it('when an acme webhook is correctly signed, returns 202, stores the normalized event and publishes it', async () => {
      const payload = acmeBody();
      const text = JSON.stringify(payload);
      const response = await postAcme(text).set('x-request-id', 'req-acme-accept-1');

      expect(response.status).toBe(202);
      expect(response.body).toEqual({
        success: true,
        data: { eventId: expect.any(String), status: 'pending', duplicate: false },
        meta: {},
      });
      const eventId = dataOf(response).eventId;

      const row = await eventRow(eventId);
      expect(row).toMatchObject({
        provider: 'acme',
        external_id: payload.eventId,
        type: 'order.created',
        subject: 'order_42',
        data: { orderId: 'order_42', total: 1299 },
        status: 'pending',
        raw_body: text,
        correlation_id: 'req-acme-accept-1',
      });
      expect(row!.occurred_at.toISOString()).toBe('2026-11-22T10:00:00.000Z');
      // The acme signature is a MAC of this body, not a reusable credential: it stays in the snapshot.
      expect(row!.raw_headers['x-acme-signature']).toBe(acmeSignature(harness.config, text));

      const { topology } = harness.broker;
      const message = await takeMatching(harness.broker, topology.queues.events, (body) => body.eventId === eventId);
      expect(message.body).toEqual({ kind: 'event', eventId, provider: 'acme', type: 'order.created' });
      expect(message.properties).toMatchObject({ messageId: eventId, correlationId: 'req-acme-accept-1' });

      const fact = await takeMatching(harness.broker, topology.queues.audit, (body) => body.factId === `event.received:${eventId}`);
      expect(fact.body).toMatchObject({
        entityType: 'event', entityId: eventId, action: 'received', actor: 'provider:acme', correlationId: 'req-acme-accept-1',
      });

      // The outbox row is marked once the broker confirmed both messages.
      await waitFor(async () => (await eventRow(eventId))?.published_at ?? undefined, { what: 'published_at to be set' });
    });

    it('when an acme webhook carries the bare hex signature form, accepts it', async () => {
      const text = JSON.stringify(acmeBody({ subject: undefined }));
      const response = await postAcme(text, hmacSha256Hex(harness.config.acmeWebhookSecret, text));
      expect(response.status).toBe(202);
      expect((await eventRow(dataOf(response).eventId))?.subject).toBeNull();
    });

    it('when the acme signature is upper-case hex, accepts it', async () => {
      const text = JSON.stringify(acmeBody());
      const response = await postAcme(text, acmeSignature(harness.config, text).replace(/[0-9a-f]{64}$/, (hex) => hex.toUpperCase()));
      expect(response.status).toBe(202);
    });

    it('when a globex webhook has the right token, returns 202, uses resource.id as subject and keeps the token out of the snapshot', async () => {
      const payload = globexBody();
      const text = JSON.stringify(payload);
      const response = await postGlobex(text).set('authorization', 'Bearer not-for-storage').set('cookie', 'session=abc');

      expect(response.status).toBe(202);
      const eventId = dataOf(response).eventId;
      const row = await eventRow(eventId);
      expect(row).toMatchObject({
        provider: 'globex',
        external_id: payload.id,
        type: 'invoice.paid',
        subject: 'inv_7',
        data: { id: 'inv_7', amount: 5000 },
        raw_body: text,
      });
      expect(row!.occurred_at.toISOString()).toBe('2026-11-22T10:30:00.000Z');
      expect(row!.raw_headers).toMatchObject({
        'x-globex-token': '[redacted]',
        authorization: '[redacted]',
        cookie: '[redacted]',
        'content-type': 'application/json',
      });
      expect(JSON.stringify(row!.raw_headers)).not.toContain(harness.config.globexWebhookToken);

      const message = await takeMatching(harness.broker, harness.broker.topology.queues.events, (body) => body.eventId === eventId);
      expect(message.body).toEqual({ kind: 'event', eventId, provider: 'globex', type: 'invoice.paid' });
    });

    it('when the globex resource id is not a string, stores a null subject', async () => {
      const response = await postGlobex(JSON.stringify(globexBody({ resource: { id: 7 } })));
      expect(response.status).toBe(202);
      expect((await eventRow(dataOf(response).eventId))?.subject).toBeNull();
    });
  });

  describe('idempotency', () => {
    it('when the same provider event id arrives again, returns 200 with the first event id, its current status and duplicate true', async () => {
      const text = JSON.stringify(acmeBody());
      const first = await postAcme(text);
      expect(first.status).toBe(202);
      const eventId = dataOf(first).eventId;
      await harness.database.db('events').where({ id: eventId }).update({ status: 'processed' });

      const before = await countEvents(harness.database);
      const second = await postAcme(text).set('x-request-id', 'req-dup-2');
      expect(second.status).toBe(200);
      expect(second.body).toMatchObject({ success: true, data: { eventId, status: 'processed', duplicate: true } });
      expect(await countEvents(harness.database)).toBe(before);

      const fact = await takeMatching(harness.broker, harness.broker.topology.queues.audit,
        (body) => body.factId === `event.duplicate:${eventId}:req-dup-2`);
      expect(fact.body).toMatchObject({ action: 'duplicate', entityId: eventId, actor: 'provider:acme' });
    });

    it('when two providers use the same event id, stores both', async () => {
      const sharedId = `shared_${crypto.randomUUID()}`;
      const acme = await postAcme(JSON.stringify(acmeBody({ eventId: sharedId })));
      const globex = await postGlobex(JSON.stringify(globexBody({ id: sharedId })));
      expect([acme.status, globex.status]).toEqual([202, 202]);
      expect(dataOf(acme).eventId).not.toBe(dataOf(globex).eventId);
    });
  });

  describe('credentials are checked before the body is trusted', () => {
    it('when the acme signature was computed over a different body, returns 401 INVALID_SIGNATURE and stores nothing', async () => {
      const signedElsewhere = acmeSignature(harness.config, JSON.stringify(acmeBody()));
      await expectRejected(() => postAcme(JSON.stringify(acmeBody()), signedElsewhere), 401, 'INVALID_SIGNATURE');
    });

    it('when the acme signature header is missing, returns 401 INVALID_SIGNATURE and stores nothing', async () => {
      await expectRejected(() => postAcme(JSON.stringify(acmeBody()), null), 401, 'INVALID_SIGNATURE');
    });

    it('when the acme signature uses another secret, returns 401 even though the body is not JSON', async () => {
      await expectRejected(() => postAcme('not json', `sha256=${hmacSha256Hex('some-other-secret', 'not json')}`), 401, 'INVALID_SIGNATURE');
    });

    it('when the globex token is wrong, returns 401 INVALID_TOKEN and stores nothing', async () => {
      await expectRejected(() => postGlobex(JSON.stringify(globexBody()), `${harness.config.globexWebhookToken}x`), 401, 'INVALID_TOKEN');
    });

    it('when the globex token is missing, returns 401 INVALID_TOKEN and stores nothing', async () => {
      await expectRejected(() => postGlobex(JSON.stringify(globexBody()), null), 401, 'INVALID_TOKEN');
    });
  });

  describe('payload validation (signed bodies)', () => {
    it('when the body is not JSON, returns 400 INVALID_PAYLOAD and stores nothing', async () => {
      const response = await expectRejected(() => postAcme('{"eventId": '), 400, 'INVALID_PAYLOAD');
      expect(errorOf(response).details.errors).toEqual([{ path: '/', message: 'body is not valid JSON' }]);
    });

    it('when the body is an empty request, returns 400 INVALID_PAYLOAD and stores nothing', async () => {
      await expectRejected(() => postAcme(''), 400, 'INVALID_PAYLOAD');
    });

    it('when the body is a JSON array, returns 400 INVALID_PAYLOAD and stores nothing', async () => {
      const response = await expectRejected(() => postAcme(JSON.stringify([acmeBody()])), 400, 'INVALID_PAYLOAD');
      expect(errorOf(response).details.errors).toEqual([{ path: '/', message: 'must be object' }]);
    });

    it('when a required field is missing, returns 400 INVALID_PAYLOAD naming it and stores nothing', async () => {
      const { data: _omitted, ...withoutData } = acmeBody();
      const response = await expectRejected(() => postAcme(JSON.stringify(withoutData)), 400, 'INVALID_PAYLOAD');
      expect(errorOf(response).details.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ message: expect.stringContaining('data') })]),
      );
    });

    it('when a field has the wrong type, returns 400 INVALID_PAYLOAD naming it and stores nothing', async () => {
      const response = await expectRejected(() => postAcme(JSON.stringify(acmeBody({ eventId: 42 }))), 400, 'INVALID_PAYLOAD');
      expect(errorOf(response).details.errors).toEqual([{ path: '/eventId', message: 'must be string' }]);
    });

    it('when the occurrence time is not a date-time, returns 400 INVALID_PAYLOAD and stores nothing', async () => {
      const response = await expectRejected(() => postGlobex(JSON.stringify(globexBody({ timestamp: 'yesterday' }))), 400, 'INVALID_PAYLOAD');
      expect(errorOf(response).details.errors).toEqual([{ path: '/timestamp', message: expect.stringContaining('date-time') }]);
    });

    it('when globex resource is an array, returns 400 INVALID_PAYLOAD and stores nothing', async () => {
      await expectRejected(() => postGlobex(JSON.stringify(globexBody({ resource: [1, 2] }))), 400, 'INVALID_PAYLOAD');
    });

    it('when the data holds a NUL character PostgreSQL cannot store, returns 400 (not 500) and stores nothing', async () => {
      const response = await expectRejected(() => postAcme(JSON.stringify(acmeBody({ data: { note: 'a\u0000b' } }))), 400, 'INVALID_PAYLOAD');
      expect(errorOf(response).message).toMatch(/cannot be stored/);
    });

    it('when the body nests deeper than any real webhook, returns 400 and stores nothing', async () => {
      const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
      const text = `{"eventId":"x","eventType":"t","occurredAt":"2026-01-01T00:00:00Z","data":{"a":${deep}}}`;
      const response = await expectRejected(() => postAcme(text), 400, 'INVALID_PAYLOAD');
      expect(errorOf(response).message).toMatch(/nested deeper/);
    });

    it('when the body is not UTF-8, returns 400 and stores nothing', async () => {
      const bytes = Buffer.concat([Buffer.from('{"eventId":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
      const response = await expectRejected(() => request(harness.url).post('/api/v1/webhooks/acme')
        .set('content-type', 'application/octet-stream')
        .set('x-acme-signature', acmeSignature(harness.config, bytes))
        .send(bytes), 400, 'INVALID_PAYLOAD');
      expect(errorOf(response).message).toMatch(/UTF-8/);
    });
  });

  describe('routing and limits', () => {
    it('when the provider is unknown, returns 404 UNKNOWN_PROVIDER before reading even an oversized body', async () => {
      const huge = 'x'.repeat(harness.config.maxBodyBytes + 10);
      await expectRejected(() => request(harness.url).post('/api/v1/webhooks/initech').send(huge), 404, 'UNKNOWN_PROVIDER');
    });

    it('when the body is over the configured limit, returns 413 PAYLOAD_TOO_LARGE and stores nothing', async () => {
      const text = JSON.stringify(acmeBody({ data: { blob: 'x'.repeat(harness.config.maxBodyBytes) } }));
      await expectRejected(() => postAcme(text), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('when the body is gzip-compressed, checks the signature over the inflated bytes and stores them', async () => {
      const text = JSON.stringify(acmeBody());
      const response = await postRaw({ 'content-encoding': 'gzip', 'x-acme-signature': acmeSignature(harness.config, text) }, [gzipSync(text)]);
      expect(response.status).toBe(202);
      expect((await eventRow(response.eventId))?.raw_body).toBe(text);
    });

    it('when the body arrives in chunks without a Content-Length, reads all of it and accepts it', async () => {
      const text = JSON.stringify(acmeBody());
      const half = Math.floor(text.length / 2);
      const response = await postRaw({ 'x-acme-signature': acmeSignature(harness.config, text) }, [text.slice(0, half), text.slice(half)]);
      expect(response.status).toBe(202);
      expect((await eventRow(response.eventId))?.raw_body).toBe(text);
    });

    it('when a chunked body outgrows the limit, returns 413 PAYLOAD_TOO_LARGE and stores nothing', async () => {
      const text = JSON.stringify(acmeBody({ data: { blob: 'x'.repeat(harness.config.maxBodyBytes) } }));
      const before = await countEvents(harness.database);
      const response = await postRaw({ 'x-acme-signature': acmeSignature(harness.config, text) }, [text.slice(0, 10), text.slice(10)]);
      expect(response.status).toBe(413);
      expect(response.code).toBe('PAYLOAD_TOO_LARGE');
      expect(await countEvents(harness.database)).toBe(before);
    });

    it('when the body is just under the limit, accepts it', async () => {
      const skeleton = JSON.stringify(acmeBody({ data: { blob: '' } }));
      const text = JSON.stringify(acmeBody({ data: { blob: 'x'.repeat(harness.config.maxBodyBytes - skeleton.length) } }));
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(harness.config.maxBodyBytes);
      expect((await postAcme(text)).status).toBe(202);
    });
  });

  it('never writes the globex token or an acme signature to the logs', () => {
    const text = logs.lines.join('\n');
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(text).not.toContain(harness.config.globexWebhookToken);
    expect(text).not.toContain(harness.config.acmeWebhookSecret);
    expect(text).not.toMatch(/sha256=[0-9a-f]{64}/);
  });
});
