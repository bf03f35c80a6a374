import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateSigningSecret, SecretBox, sealingKeyId } from '@hookway/signing';
import { captureLogger, createTestDatabase, legacySeal, testConfig, type TestDatabase, seedIntegration } from '@hookway/testing';
import { checkSealingKeys, countUnopenableIntegrations, resealAll } from '../src/index.js';
import { reseal } from '../src/reseal.js';

const K1 = 'the-first-encryption-key-01';
const K2 = 'the-second-encryption-key-2';
const K3 = 'a-key-nobody-configured-003';

describe('sealed secrets across a key rotation', () => {
  let database: TestDatabase;
  const plain = new Map<string, string>();

  const insert = async (name: string, sealed: string, secret: string, previous?: { sealed: string; expiresAt: Date }) => {
    const id = await seedIntegration(database.db, {
      name, url: 'http://127.0.0.1:9/hook', secretSealed: sealed,
      previousSecretSealed: previous?.sealed ?? null, previousSecretExpiresAt: previous?.expiresAt ?? null,
    });
    plain.set(id, secret);
    return id;
  };

  beforeAll(async () => {
    database = await createTestDatabase('reseal');
    const k1 = new SecretBox(K1);
    // 1,100 integrations under K1 (more than two reseal batches), one legacy value, one under a key nobody has,
    // one whose previous secret (in its grace window) is under K1.
    for (let index = 0; index < 1_100; index += 1) {
      const secret = generateSigningSecret();
      await insert(`k1-${index}`, k1.seal(secret), secret);
    }
    const legacy = generateSigningSecret();
    await insert('legacy', legacySeal(K1, legacy), legacy);
    const lost = generateSigningSecret();
    await insert('lost', new SecretBox(K3).seal(lost), lost);
    const current = generateSigningSecret();
    await insert('rotating', new SecretBox(K2).seal(current), current, { sealed: k1.seal('whsec_previous'), expiresAt: new Date(Date.now() + 3_600_000) });
    // A source's verification secret (the built-in acme and globex rows hold none: theirs come from config).
    await database.db('sources').insert({
      key: 'github-main', name: 'GitHub', verifier: JSON.stringify({ type: 'github' }), mapping: JSON.stringify({}), secret_sealed: k1.seal('gh-secret'),
    });
    await database.db('idempotency_keys').insert({
      scope: 'POST /integrations', key: 'create-1', request_hash: 'h', response_status: 201,
      response_body: JSON.stringify({ id: 'x', name: 'n', secretSealed: k1.seal('whsec_created') }),
    });
  });

  afterAll(async () => {
    await database.drop();
  });

  it('counts, and warns at boot about, the integrations no configured key opens, naming the command that fixes it', async () => {
    expect(await countUnopenableIntegrations(database.db, new SecretBox(K2))).toEqual({
      integrations: 1_100 + 1 + 1 + 1, keyIds: [sealingKeyId(K1), sealingKeyId(K3)].sort(),
    });
    const { logger, lines } = captureLogger('management', 'warn');
    await checkSealingKeys(database.db, new SecretBox(K2, [K1]), logger);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line.message).toMatch(/^1 integration\(s\) have a signing secret that no configured key opens.*pnpm run reseal/);
    expect(line).toMatchObject({ integrationsUnopenable: 1, unknownKeyIds: [sealingKeyId(K3)] });
    expect(lines[0]).not.toContain(K1);
  });

  it('warns when the values under the current key id exist and none opens with the current key', async () => {
    // The only value under K3's key id is the 'lost' one: alter it for this check, then put it back.
    const lost = await database.db('integrations').where({ name: 'lost' }).first<{ secret_sealed: string }>('secret_sealed');
    const altered = lost.secret_sealed.split(':');
    altered[4] = Buffer.from('altered').toString('base64');
    await database.db('integrations').where({ name: 'lost' }).update({ secret_sealed: altered.join(':') });
    try {
      const { logger, lines } = captureLogger('dispatcher', 'warn');
      await checkSealingKeys(database.db, new SecretBox(K3, [K1, K2]), logger);
      expect(lines.some((line) => line.includes('does not open with SECRET_ENCRYPTION_KEY'))).toBe(true);
      const quiet = captureLogger('dispatcher', 'warn');
      await checkSealingKeys(database.db, new SecretBox(K2, [K1, K3]), quiet.logger);
      expect(quiet.lines.some((line) => line.includes('does not open with SECRET_ENCRYPTION_KEY'))).toBe(false);
    } finally {
      await database.db('integrations').where({ name: 'lost' }).update({ secret_sealed: lost.secret_sealed });
    }
  });

  it('reseals every value under the current key in batches, idempotently, leaving what opens under no key as it was', async () => {
    const config = testConfig({
      databaseUrl: database.url, brokerPrefix: 'unused', env: { SECRET_ENCRYPTION_KEY: K2, SECRET_ENCRYPTION_KEY_PREVIOUS: K1 },
    });
    const said: string[] = [];
    const first = await reseal(config, (line) => said.push(line));
    expect(first).toEqual([
      { location: 'integrations.secret_sealed', resealed: 1_101, current: 1, unopenable: 1 },
      { location: 'integrations.previous_secret_sealed', resealed: 1, current: 0, unopenable: 0 },
      { location: 'sources.secret_sealed', resealed: 1, current: 0, unopenable: 0 },
      { location: 'sources.previous_secret_sealed', resealed: 0, current: 0, unopenable: 0 },
      { location: 'idempotency_keys.response_body.secretSealed', resealed: 1, current: 0, unopenable: 0 },
    ]);
    expect(said[0]).toBe(`sealing under key ${sealingKeyId(K2)}; opening with ${sealingKeyId(K2)}, ${sealingKeyId(K1)}`);
    expect(said).toContain('integrations.secret_sealed: 1101 resealed, 1 already current, 1 unopenable');

    // Afterwards K1 can go: every value opens under K2 alone and means what it meant.
    const k2 = new SecretBox(K2);
    const rows = await database.db('integrations').select<Array<{ id: string; name: string; secret_sealed: string; previous_secret_sealed: string | null }>>(
      'id', 'name', 'secret_sealed', 'previous_secret_sealed');
    for (const row of rows.filter((candidate) => candidate.name !== 'lost')) {
      expect(k2.open(row.secret_sealed)).toBe(plain.get(row.id));
    }
    expect(k2.open(rows.find((row) => row.name === 'rotating')!.previous_secret_sealed!)).toBe('whsec_previous');
    const source = await database.db('sources').where({ key: 'github-main' }).first<{ secret_sealed: string }>('secret_sealed');
    expect(k2.open(source.secret_sealed)).toBe('gh-secret');
    const stored = await database.db('idempotency_keys').where({ key: 'create-1' }).first<{ response_body: { id: string; secretSealed: string } }>();
    expect(stored.response_body.id).toBe('x');
    expect(k2.open(stored.response_body.secretSealed)).toBe('whsec_created');
    expect(new SecretBox(K3).open(rows.find((row) => row.name === 'lost')!.secret_sealed)).toBe(plain.get(rows.find((row) => row.name === 'lost')!.id));
    expect(await countUnopenableIntegrations(database.db, k2)).toEqual({ integrations: 1, keyIds: [sealingKeyId(K3)] });

    const again = await resealAll(database.db, new SecretBox(K2, [K1]));
    expect(again.map((row) => row.resealed)).toEqual([0, 0, 0, 0, 0]);
    expect(again[0]).toMatchObject({ current: 1_102, unopenable: 1 });
  });
});
