// Outbound signatures per the Standard Webhooks spec (what the `standardwebhooks` and `svix` verifiers accept).
import { createHmac, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

export interface StandardWebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** A new signing secret: `whsec_` + base64 of 32 random bytes. */
export function generateSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return Buffer.from(encoded, 'base64');
}

/** `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>` for one secret. */
export function standardWebhookSignature(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secretKey(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/**
 * Signature headers for one attempt. Every secret given (current first, then any still in its
 * rotation grace window) contributes one space-separated signature.
 */
export function signStandardWebhook(input: {
  id: string;
  body: string;
  secrets: readonly string[];
  timestampSeconds?: number;
}): StandardWebhookHeaders {
  if (input.secrets.length === 0) throw new Error('at least one signing secret is required');
  const timestamp = input.timestampSeconds ?? Math.floor(Date.now() / 1000);
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': input.secrets
      .map((secret) => standardWebhookSignature(secret, input.id, timestamp, input.body))
      .join(' '),
  };
}
