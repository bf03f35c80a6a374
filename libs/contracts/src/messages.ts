// Message contracts on the broker: a JSON Schema and its TypeScript type for each, kept side by side
// so a consumer's ajv check and the compiler agree on what a message is.
import type { JSONSchemaType } from 'ajv';
import { compileValidator, describeErrors } from './validator.js';

/** hookway.events: a new event to fan out, or a replay of one. */
export interface EventMessage {
  kind: 'event' | 'replay';
  eventId: string;
  provider: string;
  type: string;
  replayRequestId?: string;
}

/** hookway.jobs (and the retry tiers, which dead-letter back to it): one delivery attempt to make. */
export interface JobMessage {
  jobId: string;
  eventId: string;
  integrationId: string;
  attempt: number;
  /**
   * Set on a job its integration's rate limit held back: the epoch milliseconds of the delivery slot it
   * reserved. It is delivered then, without reserving another.
   */
  notBefore?: number;
}

/** hookway.dead: a job that exhausted its attempts, got a non-retryable answer, or a poison message. */
export interface DeadMessage {
  reason: string;
  jobId?: string;
  sourceQueue?: string;
  original?: string;
}

/** hookway.audit: one fact about a state change; factId makes appending idempotent. */
export interface AuditFact {
  factId: string;
  entityType: string;
  entityId: string;
  action: string;
  actor: string;
  occurredAt: string;
  correlationId?: string;
  details: Record<string, unknown>;
}

const uuid = { type: 'string', format: 'uuid' } as const;
const name = { type: 'string', minLength: 1, maxLength: 200 } as const;

export const eventMessageSchema: JSONSchemaType<EventMessage> = {
  $id: 'hookway/EventMessage',
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'eventId', 'provider', 'type'],
  properties: {
    kind: { type: 'string', enum: ['event', 'replay'] },
    eventId: uuid,
    provider: name,
    type: name,
    replayRequestId: { ...uuid, nullable: true },
  },
};

export const jobMessageSchema: JSONSchemaType<JobMessage> = {
  $id: 'hookway/JobMessage',
  type: 'object',
  additionalProperties: false,
  required: ['jobId', 'eventId', 'integrationId', 'attempt'],
  properties: {
    jobId: uuid,
    eventId: uuid,
    integrationId: uuid,
    attempt: { type: 'integer', minimum: 1, maximum: 1000 },
    notBefore: { type: 'integer', minimum: 0, nullable: true },
  },
};

export const deadMessageSchema: JSONSchemaType<DeadMessage> = {
  $id: 'hookway/DeadMessage',
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: {
    reason: { type: 'string', minLength: 1 },
    jobId: { ...uuid, nullable: true },
    sourceQueue: { type: 'string', nullable: true },
    original: { type: 'string', nullable: true, maxLength: 65536 },
  },
};

export const auditFactSchema: JSONSchemaType<AuditFact> = {
  $id: 'hookway/AuditFact',
  type: 'object',
  additionalProperties: false,
  required: ['factId', 'entityType', 'entityId', 'action', 'actor', 'occurredAt', 'details'],
  properties: {
    factId: { type: 'string', minLength: 1, maxLength: 300 },
    entityType: { type: 'string', pattern: '^[a-z][a-z_]*$', maxLength: 64 },
    entityId: { type: 'string', minLength: 1, maxLength: 200 },
    action: { type: 'string', pattern: '^[a-z][a-z_]*$', maxLength: 64 },
    actor: { type: 'string', minLength: 1, maxLength: 200 },
    occurredAt: { type: 'string', format: 'date-time' },
    correlationId: { type: 'string', nullable: true, maxLength: 200 },
    details: { type: 'object', required: [], additionalProperties: true },
  },
};

export const isEventMessage = compileValidator(eventMessageSchema);
export const isJobMessage = compileValidator(jobMessageSchema);
export const isDeadMessage = compileValidator(deadMessageSchema);
export const isAuditFact = compileValidator(auditFactSchema);

export type MessageParse<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Parses a message body: JSON first, then the schema. The reason names what was wrong. */
export function parseMessage<T>(content: Buffer, validate: ((value: unknown) => value is T) & { errors?: unknown }): MessageParse<T> {
  let value: unknown;
  try {
    value = JSON.parse(content.toString('utf8'));
  } catch {
    return { ok: false, reason: 'body is not valid JSON' };
  }
  if (validate(value)) return { ok: true, value };
  const errors = describeErrors(validate.errors as Parameters<typeof describeErrors>[0]);
  return { ok: false, reason: `schema: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}` };
}

/** The routing key of hookway.audit: `<entityType>.<action>`. */
export function auditRoutingKey(fact: Pick<AuditFact, 'entityType' | 'action'>): string {
  return `${fact.entityType}.${fact.action}`;
}
