import { describe, expect, it } from '@jest/globals';
import { generateSigningSecret, SecretBox } from '@hookway/signing';
import { cachedOpener } from '../src/outbound/opened-secrets.js';

describe('cachedOpener', () => {
  const box = new SecretBox('a master key for the cached opener test');

  it('opens each sealed value once and answers later asks from memory', () => {
    const secret = generateSigningSecret();
    const sealed = box.seal(secret);
    const opened: string[] = [];
    const open = cachedOpener((value) => {
      opened.push(value);
      return box.open(value);
    });

    expect([open(sealed), open(sealed), open(sealed)]).toEqual([secret, secret, secret]);
    expect(opened).toEqual([sealed]);
  });

  it('keeps at most maxEntries values, dropping the oldest first', () => {
    const sealed = [1, 2, 3].map(() => box.seal(generateSigningSecret()));
    const opened: string[] = [];
    const open = cachedOpener((value) => {
      opened.push(value);
      return box.open(value);
    }, 2);

    for (const value of [...sealed, sealed[2]!, sealed[1]!, sealed[0]!]) open(value);

    // The third value pushed the first out: asking for it again opens it again; the others were kept.
    expect(opened).toEqual([sealed[0], sealed[1], sealed[2], sealed[0]]);
  });

  it('does not cache a value that cannot be opened', () => {
    const open = cachedOpener((value) => box.open(value));
    expect(() => open('v1:not:a:box')).toThrow();
    expect(() => open('v1:not:a:box')).toThrow();
  });
});
