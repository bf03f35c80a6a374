// Small helpers every repository of this service uses: paging, safe LIKE patterns and narrowing to a workspace.
import type { Knex } from '@hookway/db';
import type { Page, PageRequest } from '../domain/ports.js';

/** Narrows a query to one workspace's rows, when one is named; `column` holds the row's workspace. */
export function inWorkspace(query: Knex.QueryBuilder, workspaceId: string | null | undefined, column = 'workspace_id'): Knex.QueryBuilder {
  return workspaceId ? query.where(column, workspaceId) : query;
}

/**
 * Narrows rows that belong to a workspace through their integration (jobs, attempts) to one workspace's, when one is
 * named; `column` holds the row's integration id.
 */
export function viaIntegration(db: Knex, query: Knex.QueryBuilder, workspaceId: string | null | undefined, column = 'integration_id'): Knex.QueryBuilder {
  return workspaceId ? query.whereIn(column, db('integrations').select('id').where('workspace_id', workspaceId)) : query;
}

/** Runs the count and one page of a filtered query, in one snapshot; `base` builds the filtered query afresh for each. */
export async function paginate<Row, T>(
  db: Knex,
  base: () => Knex.QueryBuilder,
  { page, pageSize }: PageRequest,
  select: (query: Knex.QueryBuilder) => Knex.QueryBuilder,
  map: (row: Row) => T,
): Promise<Page<T>> {
  // One snapshot for both: read apart, a row that changed in between (a job dying, say) could be on the
  // page and missing from the total, or the other way round.
  return db.transaction(async (trx) => {
    const counted = await base().transacting(trx).count<{ count: number }[]>({ count: '*' }).first();
    const rows = (await select(base()).transacting(trx).limit(pageSize).offset((page - 1) * pageSize)) as Row[];
    return { items: rows.map(map), total: counted?.count ?? 0 };
  }, { isolationLevel: 'repeatable read', readOnly: true });
}

