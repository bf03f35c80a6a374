// Integrations for operators. The public view never selects a secret column, so a secret cannot leak by
// accident; only signingTarget() reads the sealed secrets, for the test ping and the verification handshake.
import { rateLimitOf, type Knex } from '@hookway/db';
import type { IntegrationOrdering, IntegrationState, OrderingOnDead, PayloadFilter } from '@hookway/contracts';
import type {
  Integration, IntegrationFilter, IntegrationPatch, IntegrationStore, NewIntegration, SigningTarget, WorkspaceScope,
} from '../domain/ports.js';
import { inWorkspace } from './shared.js';

interface IntegrationRow {
  id: string;
  workspace_id: string;
  name: string;
  provider: string;
  url: string;
  event_types: string[];
  headers: Record<string, string>;
  description: string | null;
  filter: PayloadFilter | null;
  rate_limit_per_second: number | null;
  rate_limit_burst: number | null;
  ordering: IntegrationOrdering;
  ordering_on_dead: OrderingOnDead;
  state: IntegrationState;
  consecutive_failures: number;
  disabled_reason: string | null;
  verified_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const PUBLIC_COLUMNS = [
  'id', 'workspace_id', 'name', 'provider', 'url', 'event_types', 'headers', 'description', 'filter', 'rate_limit_per_second', 'rate_limit_burst',
  'ordering', 'ordering_on_dead', 'state', 'consecutive_failures',
  'disabled_reason', 'verified_at', 'created_at', 'updated_at',
] as const;

function toIntegration(row: IntegrationRow): Integration {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    provider: row.provider,
    url: row.url,
    eventTypes: row.event_types,
    headers: row.headers,
    description: row.description,
    filter: row.filter,
    rateLimit: rateLimitOf(row),
    ordering: row.ordering,
    orderingOnDead: row.ordering_on_dead,
    state: row.state,
    consecutiveFailures: row.consecutive_failures,
    disabledReason: row.disabled_reason,
    verifiedAt: row.verified_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class IntegrationRepository implements IntegrationStore {
  /** `db` may be a transaction: every method then runs inside it. */
  constructor(private readonly db: Knex) {}

  async list(filter: IntegrationFilter): Promise<Integration[]> {
    let query = inWorkspace(this.db('integrations').select(PUBLIC_COLUMNS).orderBy([{ column: 'created_at' }, { column: 'id' }]), filter.workspaceId);
    if (filter.provider) query = query.where('provider', filter.provider);
    if (filter.state) query = query.where('state', filter.state);
    const rows = (await query) as IntegrationRow[];
    return rows.map(toIntegration);
  }

  /** The integration with this id, when it is in the scope. */
  private byId(id: string, scope: WorkspaceScope): Knex.QueryBuilder {
    return inWorkspace(this.db('integrations').where({ id }), scope.workspaceId);
  }

  async find(id: string, scope: WorkspaceScope): Promise<Integration | undefined> {
    const row = (await this.byId(id, scope).select(PUBLIC_COLUMNS).first()) as IntegrationRow | undefined;
    return row && toIntegration(row);
  }

  /** The row locked for the rest of the transaction, so a concurrent change waits for this one. */
  async findForUpdate(id: string, scope: WorkspaceScope): Promise<Integration | undefined> {
    const row = (await this.byId(id, scope).select(PUBLIC_COLUMNS).forUpdate().first()) as IntegrationRow | undefined;
    return row && toIntegration(row);
  }

  async create(input: NewIntegration): Promise<Integration> {
    const [row] = await this.db('integrations').insert({
      workspace_id: input.workspaceId,
      name: input.name,
      provider: input.provider,
      url: input.url,
      event_types: JSON.stringify(input.eventTypes),
      headers: JSON.stringify(input.headers),
      description: input.description,
      filter: input.filter === null ? null : JSON.stringify(input.filter),
      rate_limit_per_second: input.rateLimit?.perSecond ?? null,
      rate_limit_burst: input.rateLimit?.burst ?? null,
      ordering: input.ordering,
      ordering_on_dead: input.orderingOnDead,
      state: 'active',
      secret_sealed: input.secretSealed,
    }).returning<IntegrationRow[]>(PUBLIC_COLUMNS);
    return toIntegration(row!);
  }

  /** A new URL has not been verified: it clears verified_at. */
  async update(id: string, patch: IntegrationPatch, scope: WorkspaceScope): Promise<Integration | undefined> {
    const changes: Record<string, unknown> = { updated_at: this.db.fn.now() };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.url !== undefined) {
      changes.url = patch.url;
      changes.verified_at = this.db.raw('CASE WHEN url = ? THEN verified_at END', [patch.url]);
    }
    if (patch.eventTypes !== undefined) changes.event_types = JSON.stringify(patch.eventTypes);
    if (patch.headers !== undefined) changes.headers = JSON.stringify(patch.headers);
    if (patch.description !== undefined) changes.description = patch.description;
    if (patch.filter !== undefined) changes.filter = patch.filter === null ? null : JSON.stringify(patch.filter);
    if (patch.rateLimit !== undefined) {
      changes.rate_limit_per_second = patch.rateLimit?.perSecond ?? null;
      changes.rate_limit_burst = patch.rateLimit?.burst ?? null;
    }
    if (patch.ordering !== undefined) changes.ordering = patch.ordering;
    if (patch.orderingOnDead !== undefined) changes.ordering_on_dead = patch.orderingOnDead;
    const [row] = await this.byId(id, scope).update(changes).returning<IntegrationRow[]>(PUBLIC_COLUMNS);
    return row && toIntegration(row);
  }

  /** Deletes the integration; its jobs, their attempts and its scoped replay requests go with it (ON DELETE CASCADE). */
  async delete(id: string, scope: WorkspaceScope): Promise<Integration | undefined> {
    const [row] = await this.byId(id, scope).delete().returning<IntegrationRow[]>(PUBLIC_COLUMNS);
    return row && toIntegration(row);
  }

  async pause(id: string): Promise<Integration> {
    const [row] = await this.db('integrations').where({ id })
      .update({ state: 'paused', updated_at: this.db.fn.now() }).returning<IntegrationRow[]>(PUBLIC_COLUMNS);
    return toIntegration(row!);
  }

  /** Active again, with the circuit breaker's count and reason reset. */
  async resume(id: string): Promise<Integration> {
    const [row] = await this.db('integrations').where({ id }).update({
      state: 'active', consecutive_failures: 0, disabled_reason: null, updated_at: this.db.fn.now(),
    }).returning<IntegrationRow[]>(PUBLIC_COLUMNS);
    return toIntegration(row!);
  }

  /**
   * The current secret becomes the previous one, valid for `graceMs` more (by the database clock, which the
   * dispatcher also judges it by); a secret still in an earlier grace window is dropped.
   */
  async rotateSecret(id: string, newSecretSealed: string, graceMs: number, scope: WorkspaceScope):
    Promise<{ integration: Integration; previousSecretExpiresAt: Date } | undefined> {
    const [row] = await this.byId(id, scope).update({
      previous_secret_sealed: this.db.ref('secret_sealed'),
      previous_secret_expires_at: this.db.raw(`now() + (? * interval '1 millisecond')`, [graceMs]),
      secret_sealed: newSecretSealed,
      updated_at: this.db.fn.now(),
    }).returning<(IntegrationRow & { previous_secret_expires_at: Date })[]>([...PUBLIC_COLUMNS, 'previous_secret_expires_at']);
    return row && { integration: toIntegration(row), previousSecretExpiresAt: row.previous_secret_expires_at };
  }

  async signingTarget(id: string, scope: WorkspaceScope): Promise<SigningTarget | undefined> {
    const row = (await this.byId(id, scope)
      .select('id', 'workspace_id', 'provider', 'url', 'headers', 'secret_sealed', 'previous_secret_sealed',
        this.db.raw('previous_secret_expires_at > now() AS previous_secret_active'))
      .first()) as
      | { id: string; workspace_id: string; provider: string; url: string; headers: Record<string, unknown>; secret_sealed: string;
          previous_secret_sealed: string | null; previous_secret_active: boolean | null }
      | undefined;
    if (!row) return undefined;
    return {
      id: row.id,
      workspaceId: row.workspace_id,
      provider: row.provider,
      url: row.url,
      headers: row.headers,
      secretSealed: row.secret_sealed,
      previousSecretSealed: row.previous_secret_active === true ? row.previous_secret_sealed : null,
    };
  }

  /** Records a passed ownership handshake, unless the URL changed while it ran. */
  async markVerified(id: string, url: string): Promise<Integration | undefined> {
    const [row] = await this.db('integrations').where({ id, url })
      .update({ verified_at: this.db.fn.now() }).returning<IntegrationRow[]>(PUBLIC_COLUMNS);
    return row && toIntegration(row);
  }
}
