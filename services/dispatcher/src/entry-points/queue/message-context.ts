// What every consumer reads from a message besides its body.
import type { ConsumeMessage } from '@hookway/broker';

export function correlationIdOf(message: ConsumeMessage, fallback: string): string {
  const value: unknown = message.properties.correlationId;
  return typeof value === 'string' && value.length > 0 ? value : fallback;
}
