import { describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { generateSigningSecret } from '@hookway/signing';
import { buildWebhookRequest, isReservedHeader, signJsonRequest } from '../src/index.js';

const event = {
  id: 'e7b1c1b4-8f0e-4d0a-9b7a-2f1d5d0f4c11',
  type: 'order.created',
  provider: 'acme',
  occurredAt: new Date('2026-11-22T10:00:00Z'),
  subject: null,
  data: { total: 1 },
};

describe('buildWebhookRequest', () => {
  it('sends the documented body, signed for the event id', () => {
    const secret = generateSigningSecret();
    const request = buildWebhookRequest({ event, secrets: [secret], customHeaders: {} });
    expect(JSON.parse(request.body)).toEqual({
      id: event.id, type: 'order.created', provider: 'acme', occurredAt: '2026-11-22T10:00:00.000Z', subject: null, data: { total: 1 },
    });
    expect(new Webhook(secret).verify(request.body, request.headers)).toEqual(JSON.parse(request.body));
  });

  it('keeps custom headers, drops reserved ones in any case, and drops values that could split a header', () => {
    const request = buildWebhookRequest({
      event,
      secrets: [generateSigningSecret()],
      customHeaders: {
        'X-Tenant': 't-1',
        'WEBHOOK-ID': 'forged',
        'Content-Length': '1',
        'Transfer-Encoding': 'chunked',
        'x-injected': 'a\r\nx-evil: 1',
        'bad name': 'v',
        'x-number': 5,
      },
    });
    expect(request.headers).toEqual({
      'x-tenant': 't-1',
      'content-type': 'application/json',
      'user-agent': 'Hookway/0.1',
      'webhook-id': event.id,
      'webhook-timestamp': expect.stringMatching(/^\d+$/),
      'webhook-signature': expect.stringMatching(/^v1,/),
    });
  });

  it('for a known secret and timestamp, sends exactly this body and these headers, in this order', () => {
    const request = buildWebhookRequest({
      event, secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], customHeaders: { 'X-Tenant': 't-1' }, timestampSeconds: 1_674_087_231,
    });
    expect(request.body).toBe(
      '{"id":"e7b1c1b4-8f0e-4d0a-9b7a-2f1d5d0f4c11","type":"order.created","provider":"acme","occurredAt":"2026-11-22T10:00:00.000Z","subject":null,"data":{"total":1}}',
    );
    expect(Object.entries(request.headers)).toEqual([
      ['x-tenant', 't-1'],
      ['content-type', 'application/json'],
      ['user-agent', 'Hookway/0.1'],
      ['webhook-id', 'e7b1c1b4-8f0e-4d0a-9b7a-2f1d5d0f4c11'],
      ['webhook-timestamp', '1674087231'],
      ['webhook-signature', 'v1,6+EMjBGuFFDIfKY8LU4MNF2Zl2FY9vKIXZXrf59TVw8='],
    ]);
  });

  it('names webhook-* and transport headers reserved', () => {
    expect(['webhook-anything', 'Host', 'connection', 'user-agent'].every(isReservedHeader)).toBe(true);
    expect(isReservedHeader('authorization')).toBe(false);
  });
});

describe('signJsonRequest', () => {
  it('signs any JSON body so a Standard Webhooks verifier accepts it, with custom headers filtered like a delivery', () => {
    const secret = generateSigningSecret();
    const body = JSON.stringify({ type: 'hookway.verification', challenge: 'abc' });
    const request = signJsonRequest({ id: 'msg_1', body, secrets: [secret], customHeaders: { 'x-team': 'ops', 'webhook-id': 'forged', 'bad header': 'x' } });
    expect(request.body).toBe(body);
    expect(request.headers['x-team']).toBe('ops');
    expect(request.headers['webhook-id']).toBe('msg_1');
    expect(Object.keys(request.headers)).not.toContain('bad header');
    expect(new Webhook(secret).verify(body, request.headers)).toEqual({ type: 'hookway.verification', challenge: 'abc' });
  });
});
