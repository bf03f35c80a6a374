// acme signs the raw body GitHub-style: `x-acme-signature: sha256=<hex HMAC-SHA256(secret, body)>`.
// Older acme senders omit the `sha256=` prefix; both forms are accepted.
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import { compileValidator } from '@hookway/contracts';
import { unauthorized } from '@hookway/http';
import {
  assertPayload, ID_LENGTH, singleHeader, SUBJECT_LENGTH, TYPE_LENGTH,
  type NormalizedWebhook, type RequestHeaders, type WebhookProvider,
} from './provider.js';

interface AcmePayload {
  eventId: string;
  eventType: string;
  occurredAt: string;
  subject?: string | null;
  data: Record<string, unknown>;
}

const isAcmePayload = compileValidator<AcmePayload>({
  type: 'object',
  required: ['eventId', 'eventType', 'occurredAt', 'data'],
  properties: {
    eventId: { type: 'string', ...ID_LENGTH },
    eventType: { type: 'string', ...TYPE_LENGTH },
    occurredAt: { type: 'string', format: 'date-time' },
    subject: { type: 'string', nullable: true, ...SUBJECT_LENGTH },
    data: { type: 'object', required: [], additionalProperties: true },
  },
});

const SIGNATURE = /^(?:sha256=)?([0-9a-fA-F]{64})$/;

export function createAcmeProvider(secret: string): WebhookProvider {
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  return {
    name: 'acme',
    secretHeaders: [],
    authenticate(headers: RequestHeaders, rawBody: Buffer): void {
      const offered = SIGNATURE.exec(singleHeader(headers, 'x-acme-signature')?.trim() ?? '')?.[1];
      // Both sides are 32 bytes (the pattern admits exactly 64 hex digits), so the digests are compared
      // directly in constant time, with no hex encoding or extra hashing per request.
      if (!offered || !timingSafeEqual(Buffer.from(offered, 'hex'), createHmac('sha256', key).update(rawBody).digest())) {
        throw unauthorized('INVALID_SIGNATURE', 'x-acme-signature is missing or does not match the body');
      }
    },
    normalize(json: unknown): NormalizedWebhook {
      assertPayload(isAcmePayload, json, 'acme');
      return {
        externalId: json.eventId,
        type: json.eventType,
        occurredAt: json.occurredAt,
        subject: json.subject ?? null,
        data: json.data,
      };
    },
  };
}
