// globex authenticates with a shared token in `x-globex-token`, compared in constant time.
import { compileValidator } from '@hookway/contracts';
import { unauthorized } from '@hookway/http';
import { constantTimeEqual } from '@hookway/signing';
import {
  assertPayload, ID_LENGTH, singleHeader, TYPE_LENGTH,
  type NormalizedWebhook, type RequestHeaders, type WebhookProvider,
} from './provider.js';

interface GlobexPayload {
  id: string;
  type: string;
  timestamp: string;
  resource: Record<string, unknown>;
}

const isGlobexPayload = compileValidator<GlobexPayload>({
  type: 'object',
  required: ['id', 'type', 'timestamp', 'resource'],
  properties: {
    id: { type: 'string', ...ID_LENGTH },
    type: { type: 'string', ...TYPE_LENGTH },
    timestamp: { type: 'string', format: 'date-time' },
    resource: { type: 'object', required: [], additionalProperties: true },
  },
});

const TOKEN_HEADER = 'x-globex-token';
const MAX_SUBJECT_LENGTH = 1_000;

export function createGlobexProvider(token: string): WebhookProvider {
  return {
    name: 'globex',
    secretHeaders: [TOKEN_HEADER],
    authenticate(headers: RequestHeaders): void {
      const offered = singleHeader(headers, TOKEN_HEADER);
      if (offered === undefined || !constantTimeEqual(offered, token)) {
        throw unauthorized('INVALID_TOKEN', `${TOKEN_HEADER} is missing or wrong`);
      }
    },
    normalize(json: unknown): NormalizedWebhook {
      assertPayload(isGlobexPayload, json, 'globex');
      const resourceId = json.resource.id;
      return {
        externalId: json.id,
        type: json.type,
        occurredAt: json.timestamp,
        subject: typeof resourceId === 'string' && resourceId.length <= MAX_SUBJECT_LENGTH ? resourceId : null,
        data: json.resource,
      };
    },
  };
}
