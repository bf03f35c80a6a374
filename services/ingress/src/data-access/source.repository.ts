// Reads the sources ingress serves; the catalog keeps them in memory and reloads them on change.
import type { Knex } from '@hookway/db';
import type { SourceMapping, SourceRateLimit, SourceState, VerifierConfig } from '@hookway/contracts';
import type { SourceReader, SourceRecord } from '../domain/sources/source-catalog.js';

interface SourceRow {
  id: string;
  key: string;
  workspace_id: string;
  verifier: VerifierConfig;
  mapping: SourceMapping;
  state: SourceState;
  rate_limit: SourceRateLimit | null;
  secret_sealed: string | null;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | null;
}

export class SourceRepository implements SourceReader {
  constructor(private readonly db: Knex) {}

  async listAll(): Promise<SourceRecord[]> {
    const rows = await this.db<SourceRow>('sources').select(
      'id', 'key', 'workspace_id', 'verifier', 'mapping', 'state', 'rate_limit', 'secret_sealed', 'previous_secret_sealed', 'previous_secret_expires_at',
    );
    return rows.map((row) => ({
      id: row.id,
      key: row.key,
      workspaceId: row.workspace_id,
      verifier: row.verifier,
      mapping: row.mapping,
      state: row.state,
      rateLimit: row.rate_limit,
      secretSealed: row.secret_sealed,
      previousSecretSealed: row.previous_secret_sealed,
      previousSecretExpiresAt: row.previous_secret_expires_at,
    }));
  }
}
