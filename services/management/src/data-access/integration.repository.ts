// Reads integrations for operators. Secret columns are never selected, so they cannot leak by accident.
import type { Knex } from '@hookway/db';
import type { IntegrationState } from '@hookway/contracts';

export interface Integration {
  id: string;
  name: string;
  provider: string;
  url: string;
  eventTypes: string[];
  headers: Record<string, string>;
  description: string | null;
  state: IntegrationState;
  consecutiveFailures: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface IntegrationFilter {
  provider?: string | null;
  state?: IntegrationState;
}

interface IntegrationRow {
  id: string;
  name: string;
  provider: string;
  url: string;
  event_types: string[];
  headers: Record<string, string>;
  description: string | null;
  state: IntegrationState;
  consecutive_failures: number;
  created_at: Date;
  updated_at: Date;
}

const PUBLIC_COLUMNS = [
  'id', 'name', 'provider', 'url', 'event_types', 'headers', 'description', 'state', 'consecutive_failures',
  'created_at', 'updated_at',
] as const;

function toIntegration(row: IntegrationRow): Integration {
  return {
    id: row.id,
    name: row.name,
    provider: row.provider,
    url: row.url,
    eventTypes: row.event_types,
    headers: row.headers,
    description: row.description,
    state: row.state,
    consecutiveFailures: row.consecutive_failures,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class IntegrationRepository {
  constructor(private readonly db: Knex) {}

  async list(filter: IntegrationFilter): Promise<Integration[]> {
    let query = this.db('integrations').select(PUBLIC_COLUMNS).orderBy([{ column: 'created_at' }, { column: 'id' }]);
    if (filter.provider) query = query.where('provider', filter.provider);
    if (filter.state) query = query.where('state', filter.state);
    const rows = (await query) as IntegrationRow[];
    return rows.map(toIntegration);
  }
}
