// Signed acme webhooks of about 1 KB, each with its own eventId, as a provider would send them.
import { hmacSha256Hex } from '@hookway/signing';

// BENCH_BODY_BYTES sizes every body (ingress takes up to MAX_BODY_BYTES, 256 KiB by default), e.g. to see memory with large payloads.
export const TARGET_BODY_BYTES = Number(process.env.BENCH_BODY_BYTES) || 1024;
const FILLER = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ';

/** The bench's order event data, padded by its `note` so the whole body is about `size` bytes. */
export function sizedBody(envelope: Record<string, unknown>, orderId: string, size: number): string {
  const data = {
    orderId,
    currency: 'EUR',
    total: 1999,
    customer: { id: 'cus_bench', email: 'bench@example.test', name: 'Bench Customer' },
    items: [{ sku: 'sku-1', quantity: 2, price: 500 }, { sku: 'sku-2', quantity: 1, price: 999 }],
    note: '',
  };
  const missing = size - Buffer.byteLength(JSON.stringify({ ...envelope, data }));
  if (missing > 0) data.note = FILLER.repeat(Math.ceil(missing / FILLER.length)).slice(0, missing);
  return JSON.stringify({ ...envelope, data });
}

/** `subject` defaults to one of the event's own (`order/<eventId>`): ordered delivery then never holds it back. */
export function acmeBody(eventId: string, size = TARGET_BODY_BYTES, subject = `order/${eventId}`): string {
  return sizedBody({ eventId, eventType: 'order.created', occurredAt: new Date().toISOString(), subject }, eventId, size);
}

export function acmeHeaders(secret: string, body: string): Record<string, string> {
  return { 'content-type': 'application/json', 'x-acme-signature': `sha256=${hmacSha256Hex(secret, body)}` };
}

/** eventId from an ingress 202/200 envelope, or undefined. */
export function acceptedEventId(responseBody: string): string | undefined {
  try {
    const parsed = JSON.parse(responseBody) as { data?: { eventId?: unknown } } | null;
    const id = parsed?.data?.eventId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
