import { describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { constantTimeEqual, generateSigningSecret, hmacSha256Hex, SecretBox, signStandardWebhook, standardWebhookSignature } from '../src/index.js';

describe('hmacSha256Hex', () => {
  it('matches GitHub\'s published webhook signature vector', () => {
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    expect(hmacSha256Hex("It's a Secret to Everybody", 'Hello, World!')).toBe(
      '757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
  });
});

describe('constantTimeEqual', () => {
  it('is true only for identical strings, whatever the lengths', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
  });
});

describe('Standard Webhooks signatures', () => {
  it('reproduces the reference vector of the Standard Webhooks spec', () => {
    // Vector from the standard-webhooks reference libraries' test suites.
    const signature = standardWebhookSignature(
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('is accepted by the standardwebhooks verifier, with one or with two secrets', () => {
    const current = generateSigningSecret();
    const previous = generateSigningSecret();
    const body = JSON.stringify({ id: 'evt', data: { n: 1 } });
    expect(current).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const headers = signStandardWebhook({ id: 'evt_1', body, secrets: [current, previous] });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(current).verify(body, { ...headers })).toEqual({ id: 'evt', data: { n: 1 } });
    expect(new Webhook(previous).verify(body, { ...headers })).toEqual({ id: 'evt', data: { n: 1 } });
    expect(() => new Webhook(generateSigningSecret()).verify(body, { ...headers })).toThrow();
  });

  it('refuses to sign without a secret', () => {
    expect(() => signStandardWebhook({ id: 'x', body: '{}', secrets: [] })).toThrow(/secret/);
  });
});

describe('SecretBox', () => {
  it('round-trips a secret and never stores it in clear', () => {
    const box = new SecretBox('a-master-key-of-sufficient-length');
    const sealed = box.seal('whsec_abc');
    expect(sealed).not.toContain('whsec_abc');
    expect(box.open(sealed)).toBe('whsec_abc');
    expect(box.seal('whsec_abc')).not.toBe(sealed);
  });

  it('rejects a sealed secret opened with another key or tampered with', () => {
    const sealed = new SecretBox('a-master-key-of-sufficient-length').seal('whsec_abc');
    expect(() => new SecretBox('another-master-key-entirely').open(sealed)).toThrow();
    const parts = sealed.split(':');
    parts[3] = Buffer.from('tampered').toString('base64');
    expect(() => new SecretBox('a-master-key-of-sufficient-length').open(parts.join(':'))).toThrow();
  });
});
