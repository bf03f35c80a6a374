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
  /** The workspace of the entity acted on; absent: a fact about no one workspace (or from before workspaces). */
  workspaceId?: string;
}

/**
 * hookway.audit: the facts one publisher gathered while its previous audit message awaited its confirm,
 * in the order they were published. The audit service still appends each fact once, by factId.
 */
export interface AuditFactBatch {
  facts: AuditFact[];
}

/** The AMQP `type` of each shape on hookway.audit. A lone fact still goes as itself. */
export const AUDIT_FACT_TYPE = 'audit.fact';
export const AUDIT_FACT_BATCH_TYPE = 'audit.facts';
/** Most facts a batch message may hold (publishers send fewer: see the broker's cap). */
export const MAX_AUDIT_BATCH_FACTS = 1000;

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
    workspaceId: { ...uuid, nullable: true },
  },
};

export const auditFactBatchSchema: JSONSchemaType<AuditFactBatch> = {
  $id: 'hookway/AuditFactBatch',
  type: 'object',
  additionalProperties: false,
  required: ['facts'],
  properties: {
    facts: { type: 'array', minItems: 1, maxItems: MAX_AUDIT_BATCH_FACTS, items: auditFactSchema },
  },
};

export const isEventMessage = compileValidator(eventMessageSchema);
export const isJobMessage = compileValidator(jobMessageSchema);
export const isDeadMessage = compileValidator(deadMessageSchema);
export const isAuditFact = compileValidator(auditFactSchema);
export const isAuditFactBatch = compileValidator(auditFactBatchSchema);

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
  return { ok: false, reason: schemaReason(validate.errors) };
}

function schemaReason(errors: unknown): string {
  const described = describeErrors(errors as Parameters<typeof describeErrors>[0]);
  return `schema: ${described.map((e) => `${e.path} ${e.message}`).join('; ')}`;
}

/** A part of a message that can never be handled, as it arrived, and why: it goes to the dead exchange alone. */
export interface RefusedPart {
  reason: string;
  original: string;
  correlationId?: string;
}

export type AuditMessageParse = { ok: true; facts: AuditFact[]; invalid: RefusedPart[] } | { ok: false; reason: string };

/**
 * Reads a hookway.audit message of either shape: a lone fact, or a batch (`{facts}`). When a batch is
 * sound but some of its facts are not, those are set apart with their reasons, so that each is
 * dead-lettered alone and the others are still appended.
 */
export function parseAuditMessage(content: Buffer): AuditMessageParse {
  let value: unknown;
  try {
    value = JSON.parse(content.toString('utf8'));
  } catch {
    return { ok: false, reason: 'body is not valid JSON' };
  }
  if (isAuditFact(value)) return { ok: true, facts: [value], invalid: [] };
  if (typeof value !== 'object' || value === null || !('facts' in value)) return { ok: false, reason: schemaReason(isAuditFact.errors) };
  if (isAuditFactBatch(value)) return { ok: true, facts: value.facts, invalid: [] };
  const envelopeErrors = isAuditFactBatch.errors;
  const items = value.facts;
  const soundEnvelope = Object.keys(value).length === 1 && Array.isArray(items) && items.length >= 1 && items.length <= MAX_AUDIT_BATCH_FACTS;
  if (!soundEnvelope) return { ok: false, reason: schemaReason(envelopeErrors) };
  const facts: AuditFact[] = [];
  const invalid: RefusedPart[] = [];
  for (const item of items as unknown[]) {
    if (isAuditFact(item)) facts.push(item);
    else invalid.push({ reason: schemaReason(isAuditFact.errors), original: JSON.stringify(item) ?? 'null' });
  }
  return { ok: true, facts, invalid };
}

/** The routing key of hookway.audit: `<entityType>.<action>`. */
export function auditRoutingKey(fact: Pick<AuditFact, 'entityType' | 'action'>): string {
  return `${fact.entityType}.${fact.action}`;
}

/** The part of a broker that sends a message (structurally; contracts imports no client). */
export interface MessageSink {
  publish(
    exchange: string, routingKey: string, body: unknown,
    options: { messageId?: string; correlationId?: string; type?: string; headers?: Record<string, unknown> },
  ): Promise<void>;
}

/** Where a message goes: an exchange and a routing key (the jobs exchange, a retry or pacing tier). */
export interface MessageDestination {
  exchange: string;
  routingKey: string;
}

/** The job message for attempt `attempt` of a job (see nextAttemptOf in job-lifecycle.ts for which one is owed). */
export function jobMessage(
  job: { jobId: string; eventId: string; integrationId: string },
  attempt: number,
  notBefore?: number,
): JobMessage {
  return {
    jobId: job.jobId, eventId: job.eventId, integrationId: job.integrationId, attempt,
    ...(notBefore !== undefined ? { notBefore } : {}),
  };
}

/** The id that makes a job message's handling idempotent: one per job and attempt. */
export function jobMessageId(message: Pick<JobMessage, 'jobId' | 'attempt'>): string {
  return `${message.jobId}:${message.attempt}`;
}

/**
 * The AMQP header of a job message that stands in for a redelivered one: the attempt it names may have
 * been claimed by a consumer that is gone, and the claim lets this copy take it over, as it lets
 * RabbitMQ's redelivery (claimRuleSql). Set on the copy a pacing queue holds for a redelivered message,
 * on the message an in-process attempt that failed after holding its job's claim hands to the queue, and
 * on a claimed first attempt a stopping replica hands on (docs/job-lifecycle.md, "The claim rule"). A
 * header, not a field of the body: a dispatcher that predates it still reads the message (and leaves the
 * job to the sweeper).
 */
export const JOB_TAKEOVER_HEADER = 'x-hookway-takeover';

/** Whether a job message's headers say it may take its attempt over (see JOB_TAKEOVER_HEADER). */
export function isTakeover(headers: Record<string, unknown> | undefined): boolean {
  return headers?.[JOB_TAKEOVER_HEADER] === true;
}

export interface JobPublishOptions {
  /** The copy stands in for a redelivered message (JOB_TAKEOVER_HEADER). */
  takeover?: boolean;
}

/** The one way a job message is published, whoever sends it (fan-out, retries, pacing, sweeper, management). */
export async function publishJobMessage(
  sink: MessageSink,
  destination: MessageDestination,
  message: JobMessage,
  correlationId: string,
  { takeover = false }: JobPublishOptions = {},
): Promise<void> {
  await sink.publish(destination.exchange, destination.routingKey, message, {
    messageId: jobMessageId(message), correlationId, type: 'job', ...(takeover ? { headers: { [JOB_TAKEOVER_HEADER]: true } } : {}),
  });
}

/** The fan-out message of an event as ingress accepted it. */
export function eventMessage(event: { id: string; provider: string; type: string }): EventMessage {
  return { kind: 'event', eventId: event.id, provider: event.provider, type: event.type };
}

/** The fan-out message of a replay of an event. */
export function replayMessage(replay: { id: string; eventId: string; provider: string; eventType: string }): EventMessage {
  return { kind: 'replay', eventId: replay.eventId, replayRequestId: replay.id, provider: replay.provider, type: replay.eventType };
}

/** The routing key of hookway.events: `<provider>.<type>`. */
export function eventRoutingKey(message: Pick<EventMessage, 'provider' | 'type'>): string {
  return `${message.provider}.${message.type}`;
}

/**
 * The one way an event or replay message is published: routed by provider and type, identified by the event
 * (or the replay request), so a copy published again is recognised.
 */
export async function publishEventMessage(
  sink: MessageSink,
  exchange: string,
  message: EventMessage,
  correlationId: string | null | undefined,
): Promise<void> {
  await sink.publish(exchange, eventRoutingKey(message), message, {
    messageId: message.replayRequestId ?? message.eventId,
    type: 'event',
    ...(correlationId ? { correlationId } : {}),
  });
}
