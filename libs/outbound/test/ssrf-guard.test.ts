import { describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import { startReceiver } from '@hookway/testing';
import { SsrfBlockedError, SsrfGuard } from '../src/index.js';

describe('SsrfGuard.refusal', () => {
  const guard = new SsrfGuard([]);

  it.each([
    ['127.0.0.1', 'loopback'], ['::1', 'loopback'], ['10.0.0.1', 'private'], ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'], ['169.254.169.254', 'linkLocal'], ['fe80::1', 'linkLocal'], ['100.64.0.1', 'carrierGradeNat'],
    ['100.100.100.200', 'carrierGradeNat'], ['fd00:ec2::254', 'uniqueLocal'], ['224.0.0.1', 'multicast'], ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'], ['::', 'unspecified'], ['255.255.255.255', 'broadcast'], ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'linkLocal'], ['64:ff9b::7f00:1', 'rfc6052'],
  ])('refuses %s (%s)', (address, range) => {
    expect(guard.refusal(address)).toContain(range);
  });

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('lets public %s through', (address) => {
    expect(guard.refusal(address)).toBeNull();
  });

  it('lets allow-listed ranges through and nothing else', () => {
    const dev = new SsrfGuard(['127.0.0.0/8', '::1/128']);
    expect(dev.refusal('127.0.0.1')).toBeNull();
    expect(dev.refusal('::1')).toBeNull();
    expect(dev.refusal('::ffff:127.0.0.1')).toBeNull();
    expect(dev.refusal('10.0.0.1')).toContain('private');
  });

  it('rejects an allow-list entry that is not a CIDR', () => {
    expect(() => new SsrfGuard(['localhost'])).toThrow(/not a CIDR/);
  });
});

describe('SsrfGuard.checkUrl', () => {
  const guard = new SsrfGuard([]);
  it.each([
    ['ftp://example.com/x', /scheme/], ['file:///etc/passwd', /scheme/], ['not a url', /valid URL/],
    ['http://169.254.169.254/latest/meta-data', /linkLocal/], ['http://[::1]:8080/', /loopback/],
    ['http://user:pw@example.com/', /credentials/], ['http://0x7f000001/', /loopback/],
  ])('refuses %s', (url, reason) => {
    expect(() => guard.checkUrl(url)).toThrow(reason);
  });

  it('accepts a public https URL', () => {
    expect(() => guard.checkUrl('https://hooks.example.com/in')).not.toThrow();
  });
});

describe('SsrfGuard.lookup at connect time', () => {
  const get = (url: string, guard: SsrfGuard): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request(url, { lookup: guard.lookup }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });

  it('refuses a name that resolves to a loopback address, and allows it once allow-listed', async () => {
    const receiver = await startReceiver();
    try {
      const url = `http://localhost:${receiver.port}/`;
      const error = await get(url, new SsrfGuard([])).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SsrfBlockedError);
      expect((error as SsrfBlockedError).code).toBe('SSRF_BLOCKED');
      expect(receiver.requests).toHaveLength(0);

      expect(await get(url, new SsrfGuard(['127.0.0.0/8', '::1/128']))).toBe(200);
      expect(receiver.requests).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('creation-time validation resolves names too', async () => {
    await expect(new SsrfGuard([]).checkResolvedUrl('http://localhost/hook')).rejects.toBeInstanceOf(SsrfBlockedError);
    await expect(new SsrfGuard(['127.0.0.0/8', '::1/128']).checkResolvedUrl('http://localhost/hook')).resolves.toBeUndefined();
  });
});

describe('WebhookClient behind the guard', () => {
  it('records SSRF_BLOCKED for a name resolving to loopback and for a loopback IP literal, sending nothing', async () => {
    const { Agent } = await import('node:http');
    const { Agent: HttpsAgent } = await import('node:https');
    const { WebhookClient } = await import('../src/index.js');
    const receiver = await startReceiver();
    const agents = { http: new Agent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
    try {
      const blocked = new WebhookClient({ timeoutMs: 2_000, agents, guard: new SsrfGuard([]) });
      for (const url of [`http://localhost:${receiver.port}/hook`, `${receiver.url}/hook`]) {
        const result = await blocked.send(url, { body: '{}', headers: { 'content-type': 'application/json' } });
        expect(result).toMatchObject({ kind: 'error', errorCode: 'SSRF_BLOCKED', responseBody: null });
      }
      expect(receiver.requests).toHaveLength(0);

      const allowed = new WebhookClient({ timeoutMs: 2_000, agents, guard: new SsrfGuard(['127.0.0.0/8', '::1/128']) });
      const result = await allowed.send(`http://localhost:${receiver.port}/hook`, { body: '{}', headers: { 'content-type': 'application/json' } });
      expect(result).toMatchObject({ kind: 'response', statusCode: 200, responseBody: 'ok' });
      expect(receiver.requests).toHaveLength(1);
    } finally {
      agents.http.destroy();
      agents.https.destroy();
      await receiver.close();
    }
  });
});
