// Integrations as the dispatcher needs them: who subscribes to a provider, and where and how to deliver.
import { PreparedQueries, prepared, type Knex } from '@hookway/db';
import type { IntegrationOrdering, IntegrationState, OrderingOnDead, PayloadFilter } from '@hookway/contracts';
import { feedKey, type DeliveryTarget, type IntegrationStore, type SubscribedIntegration } from '../domain/ports.js';

interface IntegrationRow {
  id: string;
  event_types: unknown;
  filter: PayloadFilter | null;
  ordering: IntegrationOrdering;
}

function toSubscribed(row: IntegrationRow): SubscribedIntegration {
  return { id: row.id, eventTypes: stringArray(row.event_types), filter: row.filter, ordering: row.ordering };
}

/** The columns a delivery needs; the grace window is judged by the database clock, the same one that set it. */
export const DELIVERY_TARGET_COLUMNS = `i.id AS target_id, i.workspace_id AS target_workspace_id, i.state AS target_state,
  i.ordering_on_dead AS target_ordering_on_dead,
  i.url AS target_url, i.headers AS target_headers,
  i.secret_sealed AS target_secret_sealed, i.previous_secret_sealed AS target_previous_secret_sealed,
  i.previous_secret_expires_at > now() AS target_previous_secret_active`;

export interface DeliveryTargetRow {
  target_id: string | null;
  target_workspace_id: string;
  target_state: IntegrationState;
  target_ordering_on_dead: OrderingOnDead;
  target_url: string;
  target_headers: unknown;
  target_secret_sealed: string;
  target_previous_secret_sealed: string | null;
  target_previous_secret_active: boolean | null;
}

export function toDeliveryTarget(row: DeliveryTargetRow): DeliveryTarget | undefined {
  if (row.target_id === null) return undefined;
  return {
    id: row.target_id,
    workspaceId: row.target_workspace_id,
    state: row.target_state,
    orderingOnDead: row.target_ordering_on_dead,
    url: row.target_url,
    headers: objectOf(row.target_headers),
    secretSealed: row.target_secret_sealed,
    previousSecretSealed: row.target_previous_secret_active === true ? row.target_previous_secret_sealed : null,
  };
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function objectOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

// The active integrations of the feeds of events named by id, served by integrations_workspace_provider_state_idx
// (010). It needs nothing the event summaries' read answers, so the fan-out runs the two side by side (one
// round trip's wait instead of two).
const FIND_SUBSCRIBERS = prepared('dispatcher_find_subscribers', `
  SELECT i.id, i.workspace_id, i.provider, i.event_types, i.filter, i.ordering
    FROM (SELECT DISTINCT workspace_id, provider FROM events WHERE id = ANY($1::uuid[])) f
    JOIN integrations i ON i.workspace_id = f.workspace_id AND i.provider = f.provider AND i.state = 'active'
   ORDER BY i.id`);

type SubscriberRow = IntegrationRow & { workspace_id: string; provider: string };

export class IntegrationRepository implements IntegrationStore {
  private readonly sql: PreparedQueries;

  constructor(private readonly db: Knex) {
    this.sql = new PreparedQueries(db);
  }

  async findActiveSubscribers(eventIds: readonly string[]): Promise<Map<string, SubscribedIntegration[]>> {
    return byFeed(await this.sql.query<SubscriberRow>(FIND_SUBSCRIBERS, [eventIds]));
  }

  async findById(integrationId: string): Promise<SubscribedIntegration | undefined> {
    const row = await this.db<IntegrationRow>('integrations').select('id', 'event_types', 'filter', 'ordering').where({ id: integrationId }).first();
    return row ? toSubscribed(row) : undefined;
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
}

function byFeed(rows: readonly SubscriberRow[]): Map<string, SubscribedIntegration[]> {
  const subscribersOf = new Map<string, SubscribedIntegration[]>();
  for (const row of rows) {
    const key = feedKey({ workspaceId: row.workspace_id, provider: row.provider });
    const subscribers = subscribersOf.get(key) ?? [];
    subscribers.push(toSubscribed(row));
    subscribersOf.set(key, subscribers);
  }
  return subscribersOf;
}
