// Workspaces for operators: the rows, what still holds one back from deletion, and a transaction over the
// workspace and API key stores (a key is created and revoked with its workspace row locked).
import type { Knex } from '@hookway/db';
import type {
  InWorkspaceTransaction, NewWorkspace, Page, PageRequest, Workspace, WorkspaceContents, WorkspacePatch, WorkspaceStore,
} from '../domain/ports.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { paginate } from './shared.js';

interface WorkspaceRow {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = ['id', 'slug', 'name', 'description', 'created_at', 'updated_at'] as const;

function toWorkspace(row: WorkspaceRow): Workspace {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class WorkspaceRepository implements WorkspaceStore {
  constructor(private readonly db: Knex) {}

  async list(page: PageRequest, only?: string): Promise<Page<Workspace>> {
    return paginate<WorkspaceRow, Workspace>(
      this.db,
      () => (only === undefined ? this.db('workspaces') : this.db('workspaces').where({ id: only })),
      page,
      (query) => query.select(COLUMNS).orderBy([{ column: 'created_at' }, { column: 'id' }]),
      toWorkspace,
    );
  }

  async find(id: string): Promise<Workspace | undefined> {
    const row = await this.db('workspaces').select<WorkspaceRow[]>(COLUMNS).where({ id }).first<WorkspaceRow | undefined>();
    return row && toWorkspace(row);
  }

  async findForUpdate(id: string): Promise<Workspace | undefined> {
    const row = await this.db('workspaces').select<WorkspaceRow[]>(COLUMNS).where({ id }).forUpdate().first<WorkspaceRow | undefined>();
    return row && toWorkspace(row);
  }

  async findForKeyChange(id: string): Promise<Workspace | undefined> {
    const row = await this.db('workspaces').select<WorkspaceRow[]>(COLUMNS).where({ id }).forNoKeyUpdate().first<WorkspaceRow | undefined>();
    return row && toWorkspace(row);
  }

  async create(input: NewWorkspace): Promise<Workspace> {
    const [row] = await this.db('workspaces')
      .insert({ slug: input.slug, name: input.name, description: input.description })
      .returning<WorkspaceRow[]>(COLUMNS);
    return toWorkspace(row!);
  }

  async update(id: string, patch: WorkspacePatch): Promise<Workspace | undefined> {
    const [row] = await this.db('workspaces').where({ id }).update({
      ...(patch.name === undefined ? {} : { name: patch.name }),
      ...(patch.description === undefined ? {} : { description: patch.description }),
      updated_at: this.db.fn.now(),
    }).returning<WorkspaceRow[]>(COLUMNS);
    return row && toWorkspace(row);
  }

  async contents(id: string): Promise<WorkspaceContents> {
    const { rows } = await this.db.raw<{ rows: WorkspaceContents[] }>(
      `SELECT (SELECT count(*) FROM integrations WHERE workspace_id = :id)::int AS integrations,
              (SELECT count(*) FROM sources WHERE workspace_id = :id)::int AS sources`,
      { id },
    );
    return rows[0] ?? { integrations: 0, sources: 0 };
  }

  async delete(id: string): Promise<Workspace | undefined> {
    const [row] = await this.db('workspaces').where({ id }).delete().returning<WorkspaceRow[]>(COLUMNS);
    return row && toWorkspace(row);
  }
}

export function workspaceTransactions(db: Knex): InWorkspaceTransaction {
  return (work) => db.transaction((trx) => work({ workspaces: new WorkspaceRepository(trx), apiKeys: new ApiKeyRepository(trx) }));
}
