// acme and globex, the two sources Hookway started with, as configuration: migration 007 stores the same
// definitions as rows. Their secrets come from ACME_WEBHOOK_SECRET and GLOBEX_WEBHOOK_TOKEN for as long as
// their row holds none (a rotation through the management API stores one, which then wins).
import type { Config } from '@hookway/config';
import type { SourceDefinition } from './compile-source.js';

export const ACME_SOURCE: SourceDefinition = {
  key: 'acme',
  state: 'active',
  // `sha256=<hex>` (the GitHub scheme) or the bare hex older acme senders use.
  verifier: { type: 'hmac', header: 'x-acme-signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' },
  mapping: {
    eventId: { pointer: '/eventId' },
    eventType: { pointer: '/eventType' },
    occurredAt: { pointer: '/occurredAt' },
    subject: { pointer: '/subject' },
    data: '/data',
    schema: {
      type: 'object',
      required: ['eventId', 'eventType', 'occurredAt', 'data'],
      properties: {
        eventId: { type: 'string', minLength: 1, maxLength: 200 },
        eventType: { type: 'string', minLength: 1, maxLength: 200 },
        occurredAt: { type: 'string', format: 'date-time' },
        subject: { type: 'string', nullable: true, maxLength: 1000 },
        data: { type: 'object', required: [], additionalProperties: true },
      },
    },
  },
};

export const GLOBEX_SOURCE: SourceDefinition = {
  key: 'globex',
  state: 'active',
  verifier: { type: 'token', header: 'x-globex-token' },
  mapping: {
    eventId: { pointer: '/id' },
    eventType: { pointer: '/type' },
    occurredAt: { pointer: '/timestamp' },
    // resource.id when it is a string of at most 1,000 characters, else null.
    subject: { pointer: '/resource/id' },
    data: '/resource',
    schema: {
      type: 'object',
      required: ['id', 'type', 'timestamp', 'resource'],
      properties: {
        id: { type: 'string', minLength: 1, maxLength: 200 },
        type: { type: 'string', minLength: 1, maxLength: 200 },
        timestamp: { type: 'string', format: 'date-time' },
        resource: { type: 'object', required: [], additionalProperties: true },
      },
    },
  },
};

/** The secret a built-in source uses while its row holds none. */
export function builtinSecrets(config: Pick<Config, 'acmeWebhookSecret' | 'globexWebhookToken'>): ReadonlyMap<string, string> {
  return new Map([[ACME_SOURCE.key, config.acmeWebhookSecret], [GLOBEX_SOURCE.key, config.globexWebhookToken]]);
}
