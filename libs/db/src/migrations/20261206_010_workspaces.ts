// Workspaces (issue 20): every integration, source, event and audit entry belongs to one workspace, and a
// workspace's API keys see only its rows. Jobs, attempts and replays belong to their integration's or
// event's workspace. The `default` workspace holds everything that existed before, and is where a row
// goes when the writer names none, so every route and service behaves as it did.
//   - api_keys: `hwk_…` keys, stored as the SHA-256 of the key (the key is 256 random bits, so a slow hash
//     buys nothing); `key_prefix` is what a listing shows. Revoking sets revoked_at; the key stops at once.
//   - Published events (POST /api/v1/events on ingress) have provider `api`; their Idempotency-Key rows
//     live in idempotency_keys under the scope `publish:<workspace id>`.
import type { Knex } from 'knex';

/** Spelled out here, not imported: a released migration keeps its own copy. */
const DEFAULT_WORKSPACE_ID = '00000000-0000-0000-0000-000000000001';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE workspaces (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name text NOT NULL,
    description text,
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP)`);
  await knex.raw(`INSERT INTO workspaces (id, slug, name, description)
    VALUES ('${DEFAULT_WORKSPACE_ID}', 'default', 'Default', 'Everything created without naming a workspace')`);

  // Integrations and sources hold a workspace back (deleting one with either answers 409); events go with it.
  for (const table of ['integrations', 'sources']) {
    await knex.raw(`ALTER TABLE ${table} ADD COLUMN workspace_id uuid NOT NULL DEFAULT '${DEFAULT_WORKSPACE_ID}'
      REFERENCES workspaces (id) ON DELETE RESTRICT`);
    await knex.raw(`CREATE INDEX ${table}_workspace_idx ON ${table} (workspace_id)`);
  }
  await knex.raw(`ALTER TABLE events ADD COLUMN workspace_id uuid NOT NULL DEFAULT '${DEFAULT_WORKSPACE_ID}'
    REFERENCES workspaces (id) ON DELETE CASCADE`);
  await knex.raw('CREATE INDEX events_workspace_received_idx ON events (workspace_id, received_at, id)');
  // The dispatcher matches an event's subscribers within its workspace.
  await knex.raw('DROP INDEX IF EXISTS integrations_provider_state_index');
  await knex.raw('CREATE INDEX integrations_workspace_provider_state_idx ON integrations (workspace_id, provider, state)');

  // Audit entries outlive what they describe: no foreign key. Null: a fact about no one workspace.
  await knex.raw('ALTER TABLE audit_entries ADD COLUMN workspace_id uuid');
  await knex.raw('CREATE INDEX audit_entries_workspace_idx ON audit_entries (workspace_id, id)');

  await knex.raw(`CREATE TABLE api_keys (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name text NOT NULL,
    key_hash text NOT NULL UNIQUE,
    key_prefix text NOT NULL,
    scopes text[] NOT NULL CHECK (cardinality(scopes) > 0
      AND scopes <@ ARRAY['events:publish', 'webhooks:read', 'webhooks:write']::text[]),
    rate_limit_per_second double precision,
    rate_limit_burst integer,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_used_at timestamptz,
    revoked_at timestamptz,
    CONSTRAINT api_keys_rate_limit_check CHECK ((rate_limit_per_second IS NULL AND rate_limit_burst IS NULL)
      OR (rate_limit_per_second > 0 AND rate_limit_burst >= 1)))`);
  await knex.raw('CREATE INDEX api_keys_workspace_idx ON api_keys (workspace_id, created_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS api_keys');
  await knex.raw('DROP INDEX IF EXISTS audit_entries_workspace_idx');
  await knex.raw('ALTER TABLE audit_entries DROP COLUMN IF EXISTS workspace_id');
  await knex.raw('DROP INDEX IF EXISTS integrations_workspace_provider_state_idx');
  await knex.raw('CREATE INDEX IF NOT EXISTS integrations_provider_state_index ON integrations (provider, state)');
  await knex.raw('DROP INDEX IF EXISTS events_workspace_received_idx');
  for (const table of ['events', 'sources', 'integrations']) {
    await knex.raw(`ALTER TABLE ${table} DROP COLUMN IF EXISTS workspace_id`);
  }
  await knex.raw(`DELETE FROM idempotency_keys WHERE scope LIKE 'publish:%'`);
  await knex.raw('DROP TABLE IF EXISTS workspaces');
}
