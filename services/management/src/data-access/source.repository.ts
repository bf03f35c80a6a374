// Inbound sources for operators. The public view never selects a secret column; only the rotation reads the
// sealed current secret, to keep it as the previous one through the grace window.
import type { Knex } from '@hookway/db';
import type { SourceMapping, SourceRateLimit, SourceState, VerifierConfig } from '@hookway/contracts';
import type { NewSource, Source, SourcePatch, SourceStore, WorkspaceScope } from '../domain/ports.js';
import { inWorkspace } from './shared.js';

interface SourceRow {
  id: string;
  workspace_id: string;
  key: string;
  name: string;
  verifier: VerifierConfig;
  mapping: SourceMapping;
  state: SourceState;
  rate_limit: SourceRateLimit | null;
  previous_secret_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const PUBLIC_COLUMNS = ['id', 'workspace_id', 'key', 'name', 'verifier', 'mapping', 'state', 'rate_limit', 'previous_secret_expires_at', 'created_at', 'updated_at'] as const;

function toSource(row: SourceRow): Source {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    key: row.key,
    name: row.name,
    verifier: row.verifier,
    mapping: row.mapping,
    state: row.state,
    rateLimit: row.rate_limit,
    // An expired grace window is no longer worth showing.
    previousSecretExpiresAt: row.previous_secret_expires_at && row.previous_secret_expires_at > new Date() ? row.previous_secret_expires_at : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class SourceRepository implements SourceStore {
  constructor(private readonly db: Knex) {}

  async list(scope: WorkspaceScope): Promise<Source[]> {
    const rows = (await inWorkspace(this.db('sources'), scope.workspaceId).select(PUBLIC_COLUMNS).orderBy('key')) as SourceRow[];
    return rows.map(toSource);
  }

  /** The source with this id, when it is in the scope. */
  private byId(id: string, scope: WorkspaceScope): Knex.QueryBuilder {
    return inWorkspace(this.db('sources').where({ id }), scope.workspaceId);
  }

  async find(id: string, scope: WorkspaceScope): Promise<Source | undefined> {
    const row = (await this.byId(id, scope).select(PUBLIC_COLUMNS).first()) as SourceRow | undefined;
    return row && toSource(row);
  }

  async keyExists(key: string, scope: WorkspaceScope): Promise<boolean> {
    return (await inWorkspace(this.db('sources').where({ key }), scope.workspaceId).select('id').first()) !== undefined;
  }

  async create(source: NewSource): Promise<Source> {
    const [row] = await this.db('sources').insert({
      workspace_id: source.workspaceId,
      key: source.key,
      name: source.name,
      verifier: JSON.stringify(source.verifier),
      mapping: JSON.stringify(source.mapping),
      rate_limit: source.rateLimit === null ? null : JSON.stringify(source.rateLimit),
      secret_sealed: source.secretSealed,
    }).returning<SourceRow[]>(PUBLIC_COLUMNS);
    return toSource(row!);
  }

  async update(id: string, patch: SourcePatch, scope: WorkspaceScope): Promise<Source | undefined> {
    const [row] = await this.byId(id, scope).update({
      ...(patch.name === undefined ? {} : { name: patch.name }),
      ...(patch.verifier === undefined ? {} : { verifier: JSON.stringify(patch.verifier) }),
      ...(patch.mapping === undefined ? {} : { mapping: JSON.stringify(patch.mapping) }),
      ...(patch.rateLimit === undefined ? {} : { rate_limit: patch.rateLimit === null ? null : JSON.stringify(patch.rateLimit) }),
      updated_at: this.db.fn.now(),
    }).returning<SourceRow[]>(PUBLIC_COLUMNS);
    return row && toSource(row);
  }

  async setState(id: string, state: SourceState, scope: WorkspaceScope): Promise<{ source: Source; previousState: SourceState } | undefined> {
    return this.db.transaction(async (trx) => {
      const current = (await inWorkspace(trx('sources').where({ id }), scope.workspaceId).select('state').forUpdate().first()) as
        | { state: SourceState }
        | undefined;
      if (!current) return undefined;
      const [row] = await trx('sources').where({ id }).update({
        state,
        ...(current.state === state ? {} : { updated_at: trx.fn.now() }),
      }).returning<SourceRow[]>(PUBLIC_COLUMNS);
      return { source: toSource(row!), previousState: current.state };
    });
  }

  async delete(id: string, scope: WorkspaceScope): Promise<Source | undefined> {
    const [row] = await this.byId(id, scope).delete().returning<SourceRow[]>(PUBLIC_COLUMNS);
    return row && toSource(row);
  }

  /** The sealed current secret (null when it comes from configuration or the source has none), locked for a rotation. */
  async currentSecretForUpdate(id: string, scope: WorkspaceScope): Promise<{ key: string; secretSealed: string | null } | undefined> {
    const row = (await this.byId(id, scope).select('key', 'secret_sealed').forUpdate().first()) as
      | { key: string; secret_sealed: string | null }
      | undefined;
    return row && { key: row.key, secretSealed: row.secret_sealed };
  }

  async rotateSecret(id: string, secretSealed: string, previousSealed: string | null, graceMs: number): Promise<Source | undefined> {
    const [row] = await this.db('sources').where({ id }).update({
      secret_sealed: secretSealed,
      previous_secret_sealed: previousSealed,
      previous_secret_expires_at: previousSealed === null ? null : this.db.raw(`now() + (? * interval '1 millisecond')`, [graceMs]),
      updated_at: this.db.fn.now(),
    }).returning<SourceRow[]>(PUBLIC_COLUMNS);
    return row && toSource(row);
  }
}
