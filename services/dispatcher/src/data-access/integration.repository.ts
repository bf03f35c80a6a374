// Integrations as the dispatcher needs them: who subscribes to a provider, and where and how to deliver.
import type { Knex } from '@hookway/db';
import type { IntegrationState } from '@hookway/contracts';
import type { DeliveryTarget, IntegrationStore, SubscribedIntegration } from '../domain/ports.js';

interface IntegrationRow {
  id: string;
  state: IntegrationState;
  url: string;
  event_types: unknown;
  headers: unknown;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_active: boolean | null;
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function objectOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export class IntegrationRepository implements IntegrationStore {
  constructor(private readonly db: Knex) {}

  async findActiveByProvider(provider: string): Promise<SubscribedIntegration[]> {
    const rows = await this.db<IntegrationRow>('integrations')
      .select('id', 'event_types')
      .where('provider', provider)
      .where('state', 'active')
      .orderBy('id');
    return rows.map((row) => ({ id: row.id, eventTypes: stringArray(row.event_types) }));
  }

  async findById(integrationId: string): Promise<SubscribedIntegration | undefined> {
    const row = await this.db<IntegrationRow>('integrations').select('id', 'event_types').where({ id: integrationId }).first();
    return row ? { id: row.id, eventTypes: stringArray(row.event_types) } : undefined;
  }

  async disabledByJob(integrationId: string, jobId: string): Promise<string | undefined> {
    // The job's completed_at and the integration's updated_at are both now() of the transaction that
    // recorded the job's end, so equal timestamps mean that transaction is the one that disabled it.
    const result = await this.db.raw<{ rows: Array<{ disabled_reason: string | null }> }>(
      `SELECT i.disabled_reason
         FROM integrations i JOIN delivery_jobs j ON j.id = ?
        WHERE i.id = ? AND i.state = 'disabled' AND i.updated_at = j.completed_at`,
      [jobId, integrationId],
    );
    const row = result.rows[0];
    return row ? (row.disabled_reason ?? 'disabled') : undefined;
  }

  async findTarget(integrationId: string): Promise<DeliveryTarget | undefined> {
    // The grace window is judged by the database clock, the same one that set it.
    const row = (await this.db('integrations')
      .select('id', 'state', 'url', 'headers', 'secret_sealed', 'previous_secret_sealed',
        this.db.raw('previous_secret_expires_at > now() AS previous_secret_active'))
      .where({ id: integrationId })
      .first()) as IntegrationRow | undefined;
    if (!row) return undefined;
    return {
      id: row.id,
      state: row.state,
      url: row.url,
      headers: objectOf(row.headers),
      secretSealed: row.secret_sealed,
      previousSecretSealed: row.previous_secret_active === true ? row.previous_secret_sealed : null,
    };
  }
}
