import { describe, expect, it } from '@jest/globals';
import { legacySeal } from '@hookway/testing';
import { keyIdOf, SealedValueError, SecretBox, sealingKeyId, UnknownSealingKeyError, unopenableReason } from '../src/index.js';

const K1 = 'key-one-of-sufficient-length';
const K2 = 'key-two-of-sufficient-length';
const K3 = 'key-three-of-sufficient-length';

describe('SecretBox key ring', () => {
  it('seals under the current key and names it by a key id that is not the key', () => {
    const box = new SecretBox(K2, [K1]);
    const sealed = box.seal('whsec_abc');
    expect(keyIdOf(sealed)).toBe(sealingKeyId(K2));
    expect(box.currentKeyId).toBe(sealingKeyId(K2));
    expect(sealingKeyId(K2)).toMatch(/^[0-9a-f]{12}$/);
    expect(sealingKeyId(K2)).not.toBe(sealingKeyId(K1));
    expect(sealingKeyId(K2)).toBe(sealingKeyId(K2));
    expect(sealed).not.toContain(K2);
    expect(box.open(sealed)).toBe('whsec_abc');
    expect(box.isCurrent(sealed)).toBe(true);
  });

  it('opens a value sealed under a previous key, which is not current', () => {
    const old = new SecretBox(K1).seal('whsec_old');
    const ring = new SecretBox(K2, [K1]);
    expect(ring.open(old)).toBe('whsec_old');
    expect(ring.isCurrent(old)).toBe(false);
    expect(ring.keyIds).toEqual([sealingKeyId(K2), sealingKeyId(K1)]);
  });

  it('refuses a value under a key id the ring lacks, naming that key id', () => {
    const sealed = new SecretBox(K1).seal('whsec_abc');
    const ring = new SecretBox(K2, [K3]);
    expect(() => ring.open(sealed)).toThrow(UnknownSealingKeyError);
    try {
      ring.open(sealed);
    } catch (error) {
      expect((error as UnknownSealingKeyError).keyId).toBe(sealingKeyId(K1));
      expect(unopenableReason(error)).toBe(`signing secret sealed under an unknown key ${sealingKeyId(K1)}`);
    }
  });

  it('refuses a tampered ciphertext, tag, or a key id swapped for another key of the ring', () => {
    const box = new SecretBox(K2, [K1]);
    const parts = box.seal('whsec_abc').split(':');
    const tampered = (index: number, value: string): string => parts.map((part, at) => (at === index ? value : part)).join(':');
    expect(() => box.open(tampered(4, Buffer.from('tampered').toString('base64')))).toThrow(SealedValueError);
    expect(() => box.open(tampered(3, Buffer.alloc(16).toString('base64')))).toThrow(SealedValueError);
    // A truncated tag would weaken GCM: only full 16-byte tags are accepted.
    expect(() => box.open(tampered(3, Buffer.from(parts[3]!, 'base64').subarray(0, 4).toString('base64')))).toThrow(SealedValueError);
    expect(() => box.open(tampered(1, sealingKeyId(K1)))).toThrow(SealedValueError);
    expect(() => box.open('v9:garbage')).toThrow(SealedValueError);
    expect(() => box.open('no format at all')).toThrow(SealedValueError);
  });

  it('opens legacy values (no key id) under any key of the ring, and refuses them under none', () => {
    const legacy = legacySeal(K1, 'whsec_legacy');
    expect(keyIdOf(legacy)).toBeNull();
    expect(new SecretBox(K2, [K1]).open(legacy)).toBe('whsec_legacy');
    expect(new SecretBox(K1).open(legacy)).toBe('whsec_legacy');
    expect(new SecretBox(K1).isCurrent(legacy)).toBe(false);
    expect(() => new SecretBox(K2, [K3]).open(legacy)).toThrow(SealedValueError);
  });
});
