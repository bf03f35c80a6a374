// What Hookway sends to a subscriber: the event as JSON, signed per Standard Webhooks, plus the
// integration's own headers, which may add to but never replace the headers we control.
import { signStandardWebhook } from '@hookway/signing';

export const USER_AGENT = 'Hookway/0.1';

const RESERVED_HEADERS = new Set(['content-type', 'content-length', 'host', 'user-agent', 'transfer-encoding', 'connection']);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const UNSAFE_HEADER_VALUE = /[\r\n\0]/;

export function isReservedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('webhook-') || RESERVED_HEADERS.has(lower);
}

export interface OutboundEvent {
  id: string;
  type: string;
  provider: string;
  occurredAt: Date;
  subject: string | null;
  data: unknown;
}

export interface WebhookRequest {
  body: string;
  headers: Record<string, string>;
}

export function buildWebhookRequest(input: {
  event: OutboundEvent;
  /** Current secret first, then one still in its rotation grace window. */
  secrets: readonly string[];
  customHeaders: Record<string, unknown>;
  timestampSeconds?: number;
}): WebhookRequest {
  const { event } = input;
  const body = JSON.stringify({
    id: event.id,
    type: event.type,
    provider: event.provider,
    occurredAt: event.occurredAt.toISOString(),
    subject: event.subject,
    data: event.data,
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.customHeaders)) {
    // Values that could not be sent as a header are dropped rather than failing every delivery.
    if (typeof value !== 'string' || !HEADER_NAME.test(name) || UNSAFE_HEADER_VALUE.test(value)) continue;
    if (isReservedHeader(name)) continue;
    headers[name.toLowerCase()] = value;
  }
  const signature = signStandardWebhook({
    id: event.id,
    body,
    secrets: input.secrets,
    ...(input.timestampSeconds === undefined ? {} : { timestampSeconds: input.timestampSeconds }),
  });
  return {
    body,
    headers: { ...headers, 'content-type': 'application/json', 'user-agent': USER_AGENT, ...signature },
  };
}
