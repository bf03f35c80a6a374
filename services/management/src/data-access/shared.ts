// Small helpers every repository of this service uses: paging and safe LIKE patterns.
import type { Knex } from '@hookway/db';
import type { Page, PageRequest } from '../domain/ports.js';

/** Runs the count and one page of a filtered query; `base` builds the filtered query afresh for each. */
export async function paginate<Row, T>(
  base: () => Knex.QueryBuilder,
  { page, pageSize }: PageRequest,
  select: (query: Knex.QueryBuilder) => Knex.QueryBuilder,
  map: (row: Row) => T,
): Promise<Page<T>> {
  const counted = await base().count<{ count: number }[]>({ count: '*' }).first();
  const rows = (await select(base()).limit(pageSize).offset((page - 1) * pageSize)) as Row[];
  return { items: rows.map(map), total: counted?.count ?? 0 };
}

/** Escapes LIKE wildcards so user text matches literally (backslash is PostgreSQL's default escape). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (match) => `\\${match}`)}%`;
}
