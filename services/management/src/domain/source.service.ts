// The inbound source lifecycle: create (its secret generated unless given, shown once, sealed at rest), update,
// delete, pause, resume and secret rotation with a grace window. Like every operator change, each one publishes
// its audit fact inside the transaction, so nothing changes unaudited; no fact ever carries a secret. Ingress
// replicas pick a change up from the NOTIFY that migration 007's trigger sends at commit.
// A source belongs to a workspace (its events go there), but its key is global: it is the URL senders post to.
import { randomBytes } from 'node:crypto';
import {
  DEFAULT_MAPPINGS, DEFAULT_WORKSPACE_ID, needsSecret, PUBLISHED_EVENT_PROVIDER, type SourceMapping, type SourceRateLimit, type SourceState,
  type VerifierConfig,
} from '@hookway/contracts';
import { hasSqlState, SQLSTATE } from '@hookway/db';
import type { SecretSealer } from './integration.service.js';
import { operatorFact, type MessagePublisher, type OperatorContext } from './operator.js';
import type { InTransaction, Source, SourcePatch, SourceStore, WorkspaceScope } from './ports.js';
import { WorkspaceNotFoundError } from './workspace.service.js';

export interface SourceInput {
  /** Where it goes: see workspaceForNew. */
  workspaceId?: string;
  key: string;
  name: string;
  verifier: VerifierConfig;
  mapping?: SourceMapping;
  rateLimit?: SourceRateLimit | null;
  secret?: string;
}

export interface SourceWithSecret extends Source {
  /** Shown in the create and rotate answers only; null for a `none` source. */
  secret: string | null;
}

export interface RotateInput {
  secret?: string;
  /** How long the previous secret keeps verifying; SECRET_ROTATION_GRACE when absent. */
  graceSeconds?: number;
}

export class SourceNotFoundError extends Error {
  constructor(readonly sourceId: string) {
    super(`source ${sourceId} does not exist`);
    this.name = 'SourceNotFoundError';
  }
}

export class SourceKeyTakenError extends Error {
  constructor(readonly key: string) {
    super(`a source with key "${key}" already exists`);
    this.name = 'SourceKeyTakenError';
  }
}

/** The key is Hookway's own: events published with a workspace API key have it as their provider. */
export class SourceKeyReservedError extends Error {
  constructor(readonly key: string) {
    super(`the key "${key}" is reserved: it is the provider of events published with POST /api/v1/events`);
    this.name = 'SourceKeyReservedError';
  }
}

/**
 * The workspace a new integration or source goes in: the caller's own when it is narrowed to one (naming any other
 * is answered as a workspace that does not exist, so nothing leaks), else the one the operator names, else the
 * default workspace. An operator's workspace that does not exist is told by the row's foreign key.
 */
export function workspaceForNew(scope: WorkspaceScope, requested: string | undefined): string {
  if (scope.workspaceId === undefined) return requested ?? DEFAULT_WORKSPACE_ID;
  if (requested !== undefined && requested !== scope.workspaceId) throw new WorkspaceNotFoundError(requested);
  return scope.workspaceId;
}

/** A request that does not fit the source (a secret for `none`, say): 400 naming the field. */
export class SourceInputError extends Error {
  constructor(readonly path: string, message: string) {
    super(message);
    this.name = 'SourceInputError';
  }
}

/** An integration names a source key no source has. */
export class UnknownSourceError extends Error {
  constructor(readonly key: string) {
    super(`no source has the key "${key}"`);
    this.name = 'UnknownSourceError';
  }
}

export interface SourceServiceDeps {
  inTransaction: InTransaction;
  sources: SourceStore;
  publisher: MessagePublisher;
  secretBox: SecretSealer;
  /** The secrets built-in sources take from configuration while their row holds none (acme, globex). */
  builtinSecrets: ReadonlyMap<string, string>;
  rotationGraceMs: number;
}

/** A new secret in the form the verifier expects: Standard Webhooks keys are `whsec_` + base64, others opaque text. */
export function generateSourceSecret(verifier: VerifierConfig): string {
  const bytes = randomBytes(32);
  return verifier.type === 'standard-webhooks' ? `whsec_${bytes.toString('base64')}` : bytes.toString('base64url');
}

/** The configuration without anything secret (none is kept in it), for audit details. */
function auditable(source: Partial<Pick<Source, 'key' | 'name' | 'verifier' | 'rateLimit' | 'mapping'>>): Record<string, unknown> {
  const { mapping, ...rest } = source;
  return { ...rest, ...(mapping === undefined ? {} : { mappingFields: Object.keys(mapping) }) };
}

export class SourceService {
  constructor(private readonly deps: SourceServiceDeps) {}

  async list(scope: WorkspaceScope): Promise<Source[]> {
    return this.deps.sources.list(scope);
  }

  async get(id: string, scope: WorkspaceScope): Promise<Source> {
    const source = await this.deps.sources.find(id, scope);
    if (!source) throw new SourceNotFoundError(id);
    return source;
  }

  /** In the caller's workspace (see workspaceForNew). The key is unique across workspaces, and `api` is reserved. */
  async create(input: SourceInput, context: OperatorContext): Promise<SourceWithSecret> {
    if (input.key === PUBLISHED_EVENT_PROVIDER) throw new SourceKeyReservedError(input.key);
    const workspaceId = workspaceForNew(context, input.workspaceId);
    const secret = this.secretFor(input.verifier, input.secret);
    const mapping = input.mapping ?? DEFAULT_MAPPINGS[input.verifier.type];
    try {
      return await this.deps.inTransaction(async (unit) => {
        const source = await unit.sources.create({
          workspaceId,
          key: input.key,
          name: input.name,
          verifier: input.verifier,
          mapping,
          rateLimit: input.rateLimit ?? null,
          secretSealed: secret === null ? null : this.deps.secretBox.seal(secret),
        });
        await this.deps.publisher.publishAudit(operatorFact(context, {
          entityType: 'source', entityId: source.id, action: 'created', workspaceId,
          details: { ...auditable(source), secretGenerated: input.secret === undefined && secret !== null },
        }));
        return { ...source, secret };
      });
    } catch (error) {
      if (hasSqlState(error, SQLSTATE.uniqueViolation)) throw new SourceKeyTakenError(input.key);
      if (hasSqlState(error, SQLSTATE.foreignKeyViolation)) throw new WorkspaceNotFoundError(workspaceId);
      throw error;
    }
  }

  async update(id: string, patch: SourcePatch, context: OperatorContext): Promise<Source> {
    return this.deps.inTransaction(async (unit) => {
      const updated = await unit.sources.update(id, patch, context);
      if (!updated) throw new SourceNotFoundError(id);
      await this.deps.publisher.publishAudit(operatorFact(context, {
        entityType: 'source', entityId: id, action: 'updated', workspaceId: updated.workspaceId,
        details: { changed: Object.keys(patch), ...auditable(patch) },
      }));
      return updated;
    });
  }

  /** Its events stay (they carry the key as their provider); integrations subscribed to the key receive nothing new. */
  async delete(id: string, context: OperatorContext): Promise<void> {
    await this.deps.inTransaction(async (unit) => {
      const deleted = await unit.sources.delete(id, context);
      if (!deleted) throw new SourceNotFoundError(id);
      await this.deps.publisher.publishAudit(operatorFact(context, {
        entityType: 'source', entityId: id, action: 'deleted', workspaceId: deleted.workspaceId, details: { key: deleted.key, name: deleted.name },
      }));
    });
  }

  /** Pausing a paused source (or resuming an active one) changes nothing and is not audited. */
  async setState(id: string, state: SourceState, context: OperatorContext): Promise<Source> {
    return this.deps.inTransaction(async (unit) => {
      const changed = await unit.sources.setState(id, state, context);
      if (!changed) throw new SourceNotFoundError(id);
      if (changed.previousState !== state) {
        await this.deps.publisher.publishAudit(operatorFact(context, {
          entityType: 'source', entityId: id, action: state === 'paused' ? 'paused' : 'resumed', workspaceId: changed.source.workspaceId,
          details: { key: changed.source.key, previousState: changed.previousState },
        }));
      }
      return changed.source;
    });
  }

  /** A new secret (given or generated), shown once; the previous one keeps verifying until the grace window closes. */
  async rotateSecret(id: string, input: RotateInput, context: OperatorContext): Promise<SourceWithSecret> {
    const graceMs = input.graceSeconds === undefined ? this.deps.rotationGraceMs : input.graceSeconds * 1000;
    return this.deps.inTransaction(async (unit) => {
      const current = await unit.sources.currentSecretForUpdate(id, context);
      if (!current) throw new SourceNotFoundError(id);
      const source = await unit.sources.find(id, context);
      if (!source) throw new SourceNotFoundError(id);
      const secret = this.secretFor(source.verifier, input.secret, '/secret');
      if (secret === null) throw new SourceInputError('/', 'a source verified with "none" has no secret to rotate');
      // A built-in source's configured secret becomes the previous one, so senders have the grace window to switch.
      const builtin = this.deps.builtinSecrets.get(current.key);
      const previous = current.secretSealed ?? (builtin === undefined ? null : this.deps.secretBox.seal(builtin));
      const rotated = await unit.sources.rotateSecret(id, this.deps.secretBox.seal(secret), graceMs > 0 ? previous : null, graceMs);
      if (!rotated) throw new SourceNotFoundError(id);
      await this.deps.publisher.publishAudit(operatorFact(context, {
        entityType: 'source', entityId: id, action: 'secret_rotated', workspaceId: rotated.workspaceId,
        details: { key: rotated.key, previousSecretExpiresAt: rotated.previousSecretExpiresAt?.toISOString() ?? null },
      }));
      return { ...rotated, secret };
    });
  }

  private secretFor(verifier: VerifierConfig, given: string | undefined, path = '/secret'): string | null {
    if (!needsSecret(verifier)) {
      if (given !== undefined) throw new SourceInputError(path, 'a source verified with "none" takes no secret');
      return null;
    }
    if (given === undefined) return generateSourceSecret(verifier);
    if (verifier.type === 'standard-webhooks') {
      const key = Buffer.from(given.startsWith('whsec_') ? given.slice(6) : given, 'base64');
      if (key.length < 16) throw new SourceInputError(path, 'a Standard Webhooks secret is whsec_ followed by base64 of at least 16 bytes');
    }
    return given;
  }
}
