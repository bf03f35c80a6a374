// Workspaces and their API keys. A caller narrowed to one workspace (a workspace key, a JWT with a
// `workspace` claim) sees only that workspace: any other id answers as if it did not exist. Creating and
// deleting workspaces is the operator's; a workspace key may grant a new key only scopes it holds itself.
// Every change publishes its audit fact (with the workspace) inside the transaction, so nothing changes
// unaudited; a key itself is shown once, in the create answer, and never published, logged or stored.
import { API_KEY_SCOPES, DEFAULT_WORKSPACE_ID } from '@hookway/contracts';
import { hasSqlState, SQLSTATE } from '@hookway/db';
import { operatorFact, type MessagePublisher, type OperatorContext } from './operator.js';
import type {
  ApiKey, ApiKeyStore, InWorkspaceTransaction, Page, PageRequest, RateLimit, Workspace, WorkspaceContents, WorkspacePatch, WorkspaceStore,
} from './ports.js';

export interface WorkspaceInput {
  slug: string;
  name: string;
  description?: string | null;
}

export interface ApiKeyInput {
  name: string;
  scopes: string[];
  rateLimit?: RateLimit | null;
}

/** The create answer: the key itself, shown this once. */
export interface ApiKeyWithSecret extends ApiKey {
  key: string;
}

/** A new key (generateApiKey of @hookway/signing): the key, its SHA-256 and the prefix a listing shows. */
export type ApiKeyGenerator = () => { key: string; hash: string; displayPrefix: string };

export class WorkspaceNotFoundError extends Error {
  constructor(readonly workspaceId: string) {
    super(`workspace ${workspaceId} does not exist`);
    this.name = 'WorkspaceNotFoundError';
  }
}

export class WorkspaceSlugTakenError extends Error {
  constructor(readonly slug: string) {
    super(`a workspace with slug "${slug}" already exists`);
    this.name = 'WorkspaceSlugTakenError';
  }
}

/** Integrations and sources hold a workspace back; they are moved or deleted first. */
export class WorkspaceNotEmptyError extends Error {
  constructor(readonly workspaceId: string, readonly contents: WorkspaceContents) {
    super(`workspace ${workspaceId} still has ${contents.integrations} integration(s) and ${contents.sources} source(s); delete them first`);
    this.name = 'WorkspaceNotEmptyError';
  }
}

export class DefaultWorkspaceError extends Error {
  constructor() {
    super('the default workspace holds everything created without naming a workspace and cannot be deleted');
    this.name = 'DefaultWorkspaceError';
  }
}

/** An action over workspaces as a whole, refused to a caller narrowed to one workspace. */
export class OperatorOnlyError extends Error {
  constructor(action: string) {
    super(`only an operator credential (not one narrowed to a workspace) may ${action}`);
    this.name = 'OperatorOnlyError';
  }
}

export class ApiKeyNotFoundError extends Error {
  constructor(readonly keyId: string) {
    super(`API key ${keyId} does not exist`);
    this.name = 'ApiKeyNotFoundError';
  }
}

export class ApiKeyNameTakenError extends Error {
  constructor(readonly keyName: string) {
    super(`a live API key of this workspace is already named "${keyName}"`);
    this.name = 'ApiKeyNameTakenError';
  }
}

/** A workspace key asked for a key with scopes it does not hold itself. */
export class ScopeNotHeldError extends Error {
  constructor(readonly scopes: string[]) {
    super(`a workspace key may grant only scopes it holds; it lacks ${scopes.join(', ')}`);
    this.name = 'ScopeNotHeldError';
  }
}

export interface WorkspaceServiceDeps {
  inTransaction: InWorkspaceTransaction;
  workspaces: WorkspaceStore;
  apiKeys: ApiKeyStore;
  publisher: MessagePublisher;
  generateKey: ApiKeyGenerator;
}

/** What an audit entry keeps of a key: never the key, nor its hash. */
function auditableKey(key: ApiKey): Record<string, unknown> {
  return { name: key.name, prefix: key.prefix, scopes: key.scopes, rateLimit: key.rateLimit };
}

export class WorkspaceService {
  constructor(private readonly deps: WorkspaceServiceDeps) {}

  async list(page: PageRequest, context: OperatorContext): Promise<Page<Workspace>> {
    return this.deps.workspaces.list(page, context.workspaceId);
  }

  async get(id: string, context: OperatorContext): Promise<Workspace> {
    this.mustSee(id, context);
    const workspace = await this.deps.workspaces.find(id);
    if (!workspace) throw new WorkspaceNotFoundError(id);
    return workspace;
  }

  async create(input: WorkspaceInput, context: OperatorContext): Promise<Workspace> {
    if (context.workspaceId !== undefined) throw new OperatorOnlyError('create workspaces');
    try {
      return await this.deps.inTransaction(async ({ workspaces }) => {
        const workspace = await workspaces.create({ slug: input.slug, name: input.name, description: input.description ?? null });
        await this.deps.publisher.publishAudit(operatorFact(context, {
          entityType: 'workspace', entityId: workspace.id, action: 'created', workspaceId: workspace.id,
          details: { slug: workspace.slug, name: workspace.name, description: workspace.description },
        }));
        return workspace;
      });
    } catch (error) {
      if (hasSqlState(error, SQLSTATE.uniqueViolation)) throw new WorkspaceSlugTakenError(input.slug);
      throw error;
    }
  }

  /** The slug never changes: it is the workspace's name in scripts and URLs. */
  async update(id: string, patch: WorkspacePatch, context: OperatorContext): Promise<Workspace> {
    this.mustSee(id, context);
    return this.deps.inTransaction(async ({ workspaces }) => {
      const updated = await workspaces.update(id, patch);
      if (!updated) throw new WorkspaceNotFoundError(id);
      await this.deps.publisher.publishAudit(operatorFact(context, {
        entityType: 'workspace', entityId: id, action: 'updated', workspaceId: id, details: { changed: Object.keys(patch), ...patch },
      }));
      return updated;
    });
  }

  /** Refused while integrations or sources remain; its API keys and events go with it, its audit entries stay. */
  async delete(id: string, context: OperatorContext): Promise<void> {
    this.mustSee(id, context);
    if (context.workspaceId !== undefined) throw new OperatorOnlyError('delete workspaces');
    if (id === DEFAULT_WORKSPACE_ID) throw new DefaultWorkspaceError();
    await this.deps.inTransaction(async ({ workspaces }) => {
      // Locked first: an integration or source being added now waits, and then finds no workspace.
      const workspace = await workspaces.findForUpdate(id);
      if (!workspace) throw new WorkspaceNotFoundError(id);
      const contents = await workspaces.contents(id);
      if (contents.integrations > 0 || contents.sources > 0) throw new WorkspaceNotEmptyError(id, contents);
      await workspaces.delete(id);
      await this.deps.publisher.publishAudit(operatorFact(context, {
        entityType: 'workspace', entityId: id, action: 'deleted', workspaceId: id, details: { slug: workspace.slug, name: workspace.name },
      }));
    });
  }

  async listKeys(workspaceId: string, page: PageRequest, context: OperatorContext): Promise<Page<ApiKey>> {
    await this.get(workspaceId, context);
    return this.deps.apiKeys.list(workspaceId, page);
  }

  async createKey(workspaceId: string, input: ApiKeyInput, context: OperatorContext): Promise<ApiKeyWithSecret> {
    this.mustSee(workspaceId, context);
    // No privilege escalation: a key or a JWT cannot mint a key that may do more than itself (a JWT holds the
    // scopes of its `scope` claim; only the operator's x-internal-api-key holds them all).
    const held = context.apiKeyScopes;
    const missing = held === undefined ? [] : input.scopes.filter((scope) => !held.includes(scope));
    if (missing.length > 0) throw new ScopeNotHeldError(missing);
    const scopes = API_KEY_SCOPES.filter((scope) => input.scopes.includes(scope));
    return this.deps.inTransaction(async ({ workspaces, apiKeys }) => {
      // Locked (FOR NO KEY UPDATE: the foreign-key checks of inserts into its workspace go on), so two keys
      // cannot take one name at once, nor a key be added to a workspace being deleted.
      if (!await workspaces.findForKeyChange(workspaceId)) throw new WorkspaceNotFoundError(workspaceId);
      if (await apiKeys.liveNameTaken(workspaceId, input.name)) throw new ApiKeyNameTakenError(input.name);
      const generated = this.deps.generateKey();
      const key = await apiKeys.create({
        workspaceId,
        name: input.name,
        keyHash: generated.hash,
        prefix: generated.displayPrefix,
        scopes,
        rateLimit: input.rateLimit ?? null,
        createdBy: context.actor,
      });
      await this.deps.publisher.publishAudit(operatorFact(context, {
        entityType: 'api_key', entityId: key.id, action: 'created', workspaceId, details: auditableKey(key),
      }));
      return { ...key, key: generated.key };
    });
  }

  /** Takes effect on the next request made with the key. Revoking a revoked key changes nothing (and is not audited). */
  async revokeKey(workspaceId: string, keyId: string, context: OperatorContext): Promise<void> {
    await this.get(workspaceId, context);
    await this.deps.inTransaction(async ({ apiKeys }) => {
      const revoked = await apiKeys.revoke(workspaceId, keyId);
      if (!revoked) throw new ApiKeyNotFoundError(keyId);
      if (!revoked.revokedNow) return;
      await this.deps.publisher.publishAudit(operatorFact(context, {
        entityType: 'api_key', entityId: keyId, action: 'revoked', workspaceId, details: auditableKey(revoked.key),
      }));
    });
  }

  /** Another workspace than the caller's own answers as a missing one: its existence is not disclosed. */
  private mustSee(id: string, context: OperatorContext): void {
    if (context.workspaceId !== undefined && context.workspaceId !== id) throw new WorkspaceNotFoundError(id);
  }
}
