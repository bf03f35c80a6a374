import { describe, expect, it } from '@jest/globals';
import { hmacSha256Hex } from '@hookway/signing';
import { captureLogger } from '@hookway/testing';
import { createProviderRegistry } from '../src/domain/providers/registry.js';
import type { MessagePublisher } from '../src/domain/event-publisher.js';
import { WebhookIntake, type EventStore } from '../src/domain/webhook-intake.js';
import { acmeBody } from './support.js';

const SECRET = 'intake-logging-acme-secret';

const store: EventStore = {
  insertIfNew: async () => true,
  findByExternalId: async () => undefined,
  markPublished: async () => undefined,
};

const broker: MessagePublisher = {
  topology: { exchanges: { events: 'events' } },
  publish: async () => undefined,
  publishAudit: async () => undefined,
};

async function acceptOne(level: string): Promise<string[]> {
  const { logger, lines } = captureLogger('ingress', level);
  const intake = new WebhookIntake({
    providers: createProviderRegistry({ acmeWebhookSecret: SECRET, globexWebhookToken: 'intake-logging-globex-token' }),
    events: store,
    broker,
    logger,
  });
  const text = JSON.stringify(acmeBody());
  const accepted = await intake.accept({
    provider: 'acme',
    headers: { 'x-acme-signature': `sha256=${hmacSha256Hex(SECRET, text)}` },
    rawBody: Buffer.from(text),
    requestId: 'req-intake-logging',
  });
  expect(accepted.duplicate).toBe(false);
  await intake.drain();
  return lines;
}

describe('WebhookIntake logging', () => {
  it('when a webhook is accepted at the production log level (info), writes no line for it', async () => {
    expect(await acceptOne('info')).toEqual([]);
  });

  it('when the log level is debug, writes one "webhook accepted" line with the request id as correlation id', async () => {
    const lines = (await acceptOne('debug')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({ level: 'debug', message: 'webhook accepted', correlationId: 'req-intake-logging', provider: 'acme' }),
    ]);
  });
});
