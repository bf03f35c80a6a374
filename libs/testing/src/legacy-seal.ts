// A value as SecretBox sealed it before key ids existed (v1:iv:tag:ciphertext), for tests of the key ring
// and of reseal: rows written by earlier releases still hold such values.
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';

export function legacySeal(masterKey: string, plaintext: string): string {
  const key = Buffer.from(hkdfSync('sha256', masterKey, 'hookway', 'integration-secret', 32));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), sealed.toString('base64')].join(':');
}
