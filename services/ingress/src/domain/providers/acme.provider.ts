// acme signs the raw body GitHub-style: `x-acme-signature: sha256=<hex HMAC-SHA256(secret, body)>`.
// Older acme senders omit the `sha256=` prefix; both forms are accepted.
import { compileValidator } from '@hookway/contracts';
import { unauthorized } from '@hookway/http';
import { constantTimeEqual, hmacSha256Hex } from '@hookway/signing';
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
  return {
    name: 'acme',
    secretHeaders: [],
    authenticate(headers: RequestHeaders, rawBody: Buffer): void {
      const offered = SIGNATURE.exec(singleHeader(headers, 'x-acme-signature')?.trim() ?? '')?.[1];
      if (!offered || !constantTimeEqual(offered.toLowerCase(), hmacSha256Hex(secret, rawBody))) {
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
