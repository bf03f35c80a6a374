// Secrets at rest (integration signing secrets and anything else sealed): AES-256-GCM under a key ring.
// The current key (SECRET_ENCRYPTION_KEY) seals; previous keys (SECRET_ENCRYPTION_KEY_PREVIOUS) only
// open. Every sealed value names the key that sealed it by a key id derived from the key (never the key
// itself), and the id is bound to the ciphertext as GCM additional data, so opening never guesses and a
// value whose id was edited does not open. Values sealed before key ids existed ("v1") carry no id: they
// are tried against each key of the ring until `pnpm run reseal` has sealed them again under the current one.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v2';
const LEGACY_VERSION = 'v1';

/** A sealed value names a key id that no key of the ring has. */
export class UnknownSealingKeyError extends Error {
  constructor(readonly keyId: string) {
    super(`sealed under an unknown key ${keyId}`);
    this.name = 'UnknownSealingKeyError';
  }
}

/** A sealed value is malformed or fails authentication under the key it names (tampered, or truncated). */
export class SealedValueError extends Error {
  constructor(message: string, readonly keyId: string | null) {
    super(message);
    this.name = 'SealedValueError';
  }
}

interface RingKey {
  id: string;
  key: Buffer;
}

function ringKey(masterKey: string): RingKey {
  return {
    // Stable for a given master key, and not a way back to it: a hash of a separate HKDF output.
    id: createHash('sha256').update(Buffer.from(hkdfSync('sha256', masterKey, 'hookway', 'key-id', 32))).digest('hex').slice(0, 12),
    key: Buffer.from(hkdfSync('sha256', masterKey, 'hookway', 'integration-secret', 32)),
  };
}

/** The key id a master key gets (what sealed values and logs name instead of the key). */
export function sealingKeyId(masterKey: string): string {
  return ringKey(masterKey).id;
}

/**
 * The key id named by a sealed value, or null for a legacy value that names none. Throws
 * SealedValueError when the value has no known format.
 */
export function keyIdOf(sealed: string): string | null {
  const version = sealed.slice(0, sealed.indexOf(':'));
  if (version === LEGACY_VERSION) return null;
  const parts = sealed.split(':');
  if (version !== VERSION || parts.length !== 5 || !parts[1]) throw new SealedValueError('sealed value has an unknown format', null);
  return parts[1];
}

export class SecretBox {
  private readonly current: RingKey;
  private readonly byId: ReadonlyMap<string, RingKey>;

  /** `previousKeys` only open; the first argument seals (and opens). */
  constructor(currentKey: string, previousKeys: readonly string[] = []) {
    this.current = ringKey(currentKey);
    this.byId = new Map([this.current, ...previousKeys.map(ringKey)].map((key) => [key.id, key]));
  }

  /** The id of the key that seals. */
  get currentKeyId(): string {
    return this.current.id;
  }

  /** Every key id the ring opens, the current one first. */
  get keyIds(): string[] {
    return [...this.byId.keys()];
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(this.current.id, 'utf8'));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.current.id, iv.toString('base64'), cipher.getAuthTag().toString('base64'), sealed.toString('base64')].join(':');
  }

  /** Throws UnknownSealingKeyError when no key of the ring has the value's key id, SealedValueError when it does not open. */
  open(box: string): string {
    const keyId = keyIdOf(box);
    if (keyId === null) return this.openLegacy(box);
    const key = this.byId.get(keyId);
    if (!key) throw new UnknownSealingKeyError(keyId);
    const [, , iv, tag, sealed] = box.split(':') as [string, string, string, string, string];
    const opened = decrypt(key.key, iv, tag, sealed, Buffer.from(keyId, 'utf8'));
    if (opened === undefined) throw new SealedValueError(`sealed value does not open under key ${keyId} (tampered with?)`, keyId);
    return opened;
  }

  /** Whether the ring opens the value at all (legacy values are tried, the rest judged by their key id and tag). */
  opens(box: string): boolean {
    try {
      this.open(box);
      return true;
    } catch {
      return false;
    }
  }

  /** True when the value is sealed under the current key in the current format: resealing would change nothing. */
  isCurrent(box: string): boolean {
    try {
      return keyIdOf(box) === this.current.id;
    } catch {
      return false;
    }
  }

  private openLegacy(box: string): string {
    const [, iv, tag, sealed, extra] = box.split(':');
    if (!iv || !tag || !sealed || extra !== undefined) throw new SealedValueError('sealed value has an unknown format', null);
    for (const { key } of this.byId.values()) {
      const opened = decrypt(key, iv, tag, sealed);
      if (opened !== undefined) return opened;
    }
    throw new SealedValueError('legacy sealed value (no key id) opens under no key of the ring', null);
  }
}

function decrypt(key: Buffer, iv: string, tag: string, sealed: string, aad?: Buffer): string | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'), { authTagLength: 16 });
    if (aad) decipher.setAAD(aad);
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** What a value that does not open says about why, for an operator (names the key id, never a key). */
export function unopenableReason(error: unknown): string {
  if (error instanceof UnknownSealingKeyError) return `signing secret sealed under an unknown key ${error.keyId}`;
  if (error instanceof SealedValueError) return `signing secret does not open: ${error.message}`;
  return `signing secret does not open: ${error instanceof Error ? error.message : String(error)}`;
}
