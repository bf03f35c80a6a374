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

export interface SigningInput {
  /** Current secret first, then one still in its rotation grace window. */
  secrets: readonly string[];
  customHeaders: Record<string, unknown>;
  timestampSeconds?: number;
}

/**
 * A Standard Webhooks–signed POST of any JSON body (deliveries, test pings, the verification
 * handshake), with the integration's own headers added but never replacing the ones we control.
 */
export function signJsonRequest(input: SigningInput & { id: string; body: string }): WebhookRequest {
  return signedRequest(input, input.id, input.body);
}

/** The delivery of one event: its envelope as the body, signed with the event id as webhook-id. */
export function buildWebhookRequest(input: SigningInput & { event: OutboundEvent }): WebhookRequest {
  const { event } = input;
  const body = JSON.stringify({
    id: event.id,
    type: event.type,
    provider: event.provider,
    occurredAt: event.occurredAt.toISOString(),
    subject: event.subject,
    data: event.data,
  });
  return signedRequest(input, event.id, body);
}

// Runs once per delivery attempt. Objects are built by assignment, not by spreading one object into a
// literal that then grows: V8 (Node 20) takes a slow path for that, which showed in the profiles here.
function signedRequest(input: SigningInput, id: string, body: string): WebhookRequest {
  const headers: Record<string, string> = {};
  for (const name of Object.keys(input.customHeaders)) {
    const value = input.customHeaders[name];
    // Values that could not be sent as a header are dropped rather than failing every delivery.
    if (typeof value !== 'string' || !HEADER_NAME.test(name) || UNSAFE_HEADER_VALUE.test(value)) continue;
    if (isReservedHeader(name)) continue;
    headers[name.toLowerCase()] = value;
  }
  const signature = signStandardWebhook(input.timestampSeconds === undefined
    ? { id, body, secrets: input.secrets }
    : { id, body, secrets: input.secrets, timestampSeconds: input.timestampSeconds });
  headers['content-type'] = 'application/json';
  headers['user-agent'] = USER_AGENT;
  headers['webhook-id'] = signature['webhook-id'];
  headers['webhook-timestamp'] = signature['webhook-timestamp'];
  headers['webhook-signature'] = signature['webhook-signature'];
  return { body, headers };
}
