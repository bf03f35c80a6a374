// Inbound sources as data: each row says how one sender's webhooks are verified and mapped, so a new provider
// is a row, not a module. acme and globex become the first two rows, with exactly their former behaviour; their
// secrets stay in configuration (ACME_WEBHOOK_SECRET, GLOBEX_WEBHOOK_TOKEN) while secret_sealed is null.
// Every change notifies the channel `hookway_sources` at commit, which each ingress replica LISTENs to.
import type { Knex } from 'knex';

// Frozen copies of the two original provider modules' rules (this migration must not follow later code).
const ACME = {
  key: 'acme',
  name: 'acme',
  verifier: { type: 'hmac', header: 'x-acme-signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' },
  mapping: {
    eventId: { pointer: '/eventId' },
    eventType: { pointer: '/eventType' },
    occurredAt: { pointer: '/occurredAt' },
    subject: { pointer: '/subject' },
    data: '/data',
    schema: {
      type: 'object',
      required: ['eventId', 'eventType', 'occurredAt', 'data'],
      properties: {
        eventId: { type: 'string', minLength: 1, maxLength: 200 },
        eventType: { type: 'string', minLength: 1, maxLength: 200 },
        occurredAt: { type: 'string', format: 'date-time' },
        subject: { type: 'string', nullable: true, maxLength: 1000 },
        data: { type: 'object', required: [], additionalProperties: true },
      },
    },
  },
};

const GLOBEX = {
  key: 'globex',
  name: 'globex',
  verifier: { type: 'token', header: 'x-globex-token' },
  mapping: {
    eventId: { pointer: '/id' },
    eventType: { pointer: '/type' },
    occurredAt: { pointer: '/timestamp' },
    subject: { pointer: '/resource/id' },
    data: '/resource',
    schema: {
      type: 'object',
      required: ['id', 'type', 'timestamp', 'resource'],
      properties: {
        id: { type: 'string', minLength: 1, maxLength: 200 },
        type: { type: 'string', minLength: 1, maxLength: 200 },
        timestamp: { type: 'string', format: 'date-time' },
        resource: { type: 'object', required: [], additionalProperties: true },
      },
    },
  },
};

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sources', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('key').notNullable().unique();
    t.text('name').notNullable();
    t.jsonb('verifier').notNullable();
    t.jsonb('mapping').notNullable();
    t.text('state').notNullable().defaultTo('active');
    // {perSecond, burst} across all ingress replicas, or null for no limit.
    t.jsonb('rate_limit');
    // SecretBox-sealed, like integrations.secret_sealed; null for `none`, and for the built-in acme/globex
    // rows whose secret comes from configuration until it is rotated here.
    t.text('secret_sealed');
    t.text('previous_secret_sealed');
    t.timestamp('previous_secret_expires_at', { useTz: true });
    t.timestamps(true, true);
  });
  await knex.raw(`ALTER TABLE sources ADD CONSTRAINT sources_state_check CHECK (state IN ('active','paused'))`);
  await knex.raw(`ALTER TABLE sources ADD CONSTRAINT sources_key_check CHECK (key ~ '^[a-z0-9][a-z0-9_-]{0,62}$')`);
  await knex.raw(`
    CREATE FUNCTION hookway_sources_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('hookway_sources', COALESCE(NEW.key, OLD.key));
      RETURN NULL;
    END
    $$`);
  await knex.raw(`
    CREATE TRIGGER sources_notify AFTER INSERT OR UPDATE OR DELETE ON sources
    FOR EACH ROW EXECUTE FUNCTION hookway_sources_notify()`);
  await knex('sources').insert([ACME, GLOBEX].map((source) => ({
    ...source,
    verifier: JSON.stringify(source.verifier),
    mapping: JSON.stringify(source.mapping),
  })));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('sources');
  await knex.raw('DROP FUNCTION IF EXISTS hookway_sources_notify()');
}
