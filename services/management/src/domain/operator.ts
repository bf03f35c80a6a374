// Who performs an operator action, what the domain publishes about it, and the errors operator actions
// raise (the HTTP edge maps them to status codes).
import { auditFact, type AuditFact } from '@hookway/contracts';

/** The caller of an operator action: the actor (API key or JWT subject) and the request id that correlates it. */
export interface OperatorContext {
  actor: string;
  requestId: string;
  /**
   * The one workspace the caller may see and change (a workspace API key, a JWT with a `workspace` claim);
   * undefined: the caller acts across every workspace (the operator's API key, a JWT without the claim).
   */
  workspaceId?: string;
  /** The scopes of the workspace API key the caller came with; undefined for any other credential. */
  apiKeyScopes?: readonly string[];
}

/** The part of the broker operator actions need. */
export interface MessagePublisher {
  publish(exchange: string, routingKey: string, body: unknown, options: { messageId?: string; correlationId?: string; type?: string }): Promise<void>;
  publishAudit(fact: AuditFact): Promise<void>;
}

/**
 * The audit fact of an operator action. Its id is `<entityType>.<action>:<entityId>:<requestId>` unless given:
 * deterministic per request, so a republished fact cannot be appended twice. Details never carry secrets.
 * `workspaceId` is the workspace of the entity acted on; without it, the caller's own workspace (if narrowed).
 */
export function operatorFact(
  context: OperatorContext,
  fact: { entityType: string; entityId: string; action: string; details: Record<string, unknown>; factId?: string; workspaceId?: string },
): AuditFact {
  const workspaceId = fact.workspaceId ?? context.workspaceId;
  return auditFact({
    factId: fact.factId ?? `${fact.entityType}.${fact.action}:${fact.entityId}:${context.requestId}`,
    entityType: fact.entityType,
    entityId: fact.entityId,
    action: fact.action,
    actor: context.actor,
    correlationId: context.requestId,
    details: fact.details,
    ...(workspaceId === undefined ? {} : { workspaceId }),
  });
}

/**
 * The part of an endpoint URL an audit entry may keep forever: scheme, host and port. Paths and query strings
 * often carry credentials (Slack-style webhook URLs are bearer secrets), and audit details hold no secrets.
 */
export function auditableUrl(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

export class IntegrationNotFoundError extends Error {
  constructor(readonly integrationId: string) {
    super(`integration ${integrationId} does not exist`);
    this.name = 'IntegrationNotFoundError';
  }
}

/** The integration's signing secret opens under no configured key: nothing can be signed for it. */
export class SecretUnopenableError extends Error {
  constructor(readonly integrationId: string, reason: string) {
    super(`${reason}; add the key that sealed it to SECRET_ENCRYPTION_KEY_PREVIOUS, or rotate the integration's secret`);
    this.name = 'SecretUnopenableError';
  }
}

export class InvalidUrlError extends Error {
  constructor(readonly url: string, readonly reason: string) {
    super(`the URL cannot be used: ${reason}`);
    this.name = 'InvalidUrlError';
  }
}

export class IdempotencyKeyReusedError extends Error {
  constructor() {
    super('this Idempotency-Key was already used with a different request body');
    this.name = 'IdempotencyKeyReusedError';
  }
}

export class JobNotFoundError extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} does not exist`);
    this.name = 'JobNotFoundError';
  }
}

/** The job is in a state the action does not apply to (the status is part of the answer). */
export class JobStateError extends Error {
  constructor(readonly code: 'JOB_NOT_RETRYABLE' | 'NOT_DEAD', readonly jobId: string, readonly status: string, message: string) {
    super(message);
    this.name = 'JobStateError';
  }
}
