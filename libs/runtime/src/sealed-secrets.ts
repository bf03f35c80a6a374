// Every value sealed at rest, in one list, and what the services and the reseal command do with it:
// the key ring built from config, the count of integrations whose secret no configured key opens
// (/ready, a gauge, the boot warning), and resealing under the current key after a rotation.
import type { Config } from '@hookway/config';
import type { Knex } from '@hookway/db';
import type { Logger } from '@hookway/logger';
import { keyIdOf, SecretBox } from '@hookway/signing';
import { Gauge, type Registry } from 'prom-client';

/** The key ring of this configuration: SECRET_ENCRYPTION_KEY seals, SECRET_ENCRYPTION_KEY_PREVIOUS only opens. */
export function secretBoxFor(config: Pick<Config, 'secretEncryptionKey' | 'secretEncryptionKeyPrevious'>): SecretBox {
  return new SecretBox(config.secretEncryptionKey, config.secretEncryptionKeyPrevious);
}

/**
 * Where sealed values are kept: a text column, or a string field of a JSON column. Each row is found by
 * its key columns. A new sealed column goes here, and the reseal command and the census cover it.
 */
export interface SealedLocation {
  table: string;
  keyColumns: readonly string[];
  column: string;
  /** The field of a jsonb column that holds the sealed string. */
  jsonField?: string;
}

export const SEALED_LOCATIONS: readonly SealedLocation[] = [
  { table: 'integrations', keyColumns: ['id'], column: 'secret_sealed' },
  { table: 'integrations', keyColumns: ['id'], column: 'previous_secret_sealed' },
  // Inbound sources' verification secrets (null: the built-in sources' secret comes from config).
  { table: 'sources', keyColumns: ['id'], column: 'secret_sealed' },
  { table: 'sources', keyColumns: ['id'], column: 'previous_secret_sealed' },
  // A create under an Idempotency-Key keeps its answer, the new secret sealed, to answer a retry with.
  { table: 'idempotency_keys', keyColumns: ['scope', 'key'], column: 'response_body', jsonField: 'secretSealed' },
];

function sealedExpression(location: SealedLocation): string {
  return location.jsonField ? `"${location.column}"->>'${location.jsonField}'` : `"${location.column}"`;
}

export interface UnopenableCensus {
  /** Integrations with a signing secret (current, or previous within its grace window) that no key opens. */
  integrations: number;
  /** The key ids those secrets name (legacy values, which name none, are left out). */
  keyIds: string[];
}

/**
 * Counts the integrations the ring cannot sign for. Values that name a key id are judged by it (no
 * decryption); a value under a known id that fails to open is only found when it is used.
 */
export async function countUnopenableIntegrations(db: Knex, box: SecretBox): Promise<UnopenableCensus> {
  const rows = (await db.raw<{ rows: Array<{ id: string; sealed: string }> }>(`
    SELECT id, secret_sealed AS sealed FROM integrations
    UNION ALL
    SELECT id, previous_secret_sealed FROM integrations
     WHERE previous_secret_sealed IS NOT NULL AND previous_secret_expires_at > now()`)).rows;
  const known = new Set(box.keyIds);
  const unopenable = new Set<string>();
  const keyIds = new Set<string>();
  for (const { id, sealed } of rows) {
    let keyId: string | null;
    try {
      keyId = keyIdOf(sealed);
    } catch {
      unopenable.add(id);
      continue;
    }
    if (keyId !== null && known.has(keyId)) continue;
    if (keyId === null && box.opens(sealed)) continue;
    unopenable.add(id);
    if (keyId !== null) keyIds.add(keyId);
  }
  return { integrations: unopenable.size, keyIds: [...keyIds].sort() };
}

/**
 * The count for operators, as the gauge hookway_integrations_unopenable and a figure of /ready (`report`,
 * not a check: the other integrations still deliver), recomputed at most every `maxAgeMs` however often it
 * is asked; `invalidate` when an integration was just found unopenable.
 */
export function watchUnopenable(db: Knex, box: SecretBox, registry: Registry, maxAgeMs = 10_000): {
  report: () => Promise<Record<string, number>>; invalidate: () => void;
} {
  let cached: { at: number; census: Promise<UnopenableCensus> } | undefined;
  const current = (): Promise<UnopenableCensus> => {
    if (!cached || Date.now() - cached.at > maxAgeMs) {
      const census = countUnopenableIntegrations(db, box);
      cached = { at: Date.now(), census };
      census.catch(() => {
        cached = undefined;
      });
    }
    return cached.census;
  };
  new Gauge({
    name: 'hookway_integrations_unopenable',
    help: 'Integrations whose signing secret no configured SECRET_ENCRYPTION_KEY(_PREVIOUS) opens',
    registers: [registry],
    collect: async function collect(this: Gauge) {
      this.set((await current()).integrations);
    },
  });
  return {
    report: async () => ({ integrations_unopenable: (await current()).integrations }),
    invalidate: () => {
      cached = undefined;
    },
  };
}

/**
 * The check each service that seals or opens secrets makes at start: one value sealed under the current
 * key id must open (else the key id matches but the key does not: the values were tampered with, or
 * sealed by another key of the same id), and every integration the ring cannot open is counted, in one
 * warning that names the fix. Never fails the start: the other integrations still deliver.
 */
export async function checkSealingKeys(db: Knex, box: SecretBox, logger: Logger): Promise<UnopenableCensus> {
  const sample = (await db.raw<{ rows: Array<{ sealed: string }> }>(
    `SELECT secret_sealed AS sealed FROM integrations WHERE split_part(secret_sealed, ':', 2) = ? LIMIT 1`, [box.currentKeyId])).rows[0];
  if (sample && !box.opens(sample.sealed)) {
    logger.warn('a secret sealed under the current key id does not open with SECRET_ENCRYPTION_KEY: the value was altered, '
      + 'or SECRET_ENCRYPTION_KEY is not the key that sealed it', { keyId: box.currentKeyId });
  }
  const census = await countUnopenableIntegrations(db, box);
  if (census.integrations > 0) {
    logger.warn(`${census.integrations} integration(s) have a signing secret that no configured key opens; their deliveries `
      + 'go dead and the integrations are disabled. Put the key that sealed them in SECRET_ENCRYPTION_KEY_PREVIOUS, '
      + 'then run `pnpm run reseal` (image: SERVICE=reseal) to seal them under SECRET_ENCRYPTION_KEY.', {
      integrationsUnopenable: census.integrations, unknownKeyIds: census.keyIds, currentKeyId: box.currentKeyId,
    });
  }
  return census;
}

export interface ResealCounts {
  location: string;
  resealed: number;
  current: number;
  unopenable: number;
}

/**
 * Seals every value of every location under the current key, in keyset batches of `batchSize`, each batch
 * one transaction. Idempotent: values already under the current key are left as they are. A row changed
 * meanwhile (a rotation) keeps its new value: an update applies only while the row still holds what was read.
 */
export async function resealAll(db: Knex, box: SecretBox, options: { batchSize?: number } = {}): Promise<ResealCounts[]> {
  const batchSize = options.batchSize ?? 500;
  const results: ResealCounts[] = [];
  for (const location of SEALED_LOCATIONS) {
    const counts: ResealCounts = {
      location: `${location.table}.${location.column}${location.jsonField ? `.${location.jsonField}` : ''}`, resealed: 0, current: 0, unopenable: 0,
    };
    const keys = location.keyColumns.map((column) => `"${column}"`).join(', ');
    const sealed = sealedExpression(location);
    let after: Knex.Value[] | null = null;
    for (;;) {
      const page: Array<Record<string, unknown> & { sealed: string }> = (await db.raw<{ rows: Array<Record<string, unknown> & { sealed: string }> }>(`
        SELECT ${keys}, ${sealed} AS sealed FROM "${location.table}"
         WHERE ${sealed} IS NOT NULL ${after ? `AND (${keys}) > (${after.map(() => '?').join(', ')})` : ''}
         ORDER BY ${keys} LIMIT ?`, [...(after ?? []), batchSize])).rows;
      if (page.length === 0) break;
      await db.transaction(async (tx) => {
        for (const row of page) {
          if (box.isCurrent(row.sealed)) {
            counts.current += 1;
            continue;
          }
          let resealed: string;
          try {
            resealed = box.seal(box.open(row.sealed));
          } catch {
            counts.unopenable += 1;
            continue;
          }
          const keyValues = location.keyColumns.map((column) => row[column]);
          const set = location.jsonField
            ? `"${location.column}" = jsonb_set("${location.column}", '{${location.jsonField}}', to_jsonb(?::text))`
            : `"${location.column}" = ?`;
          const updated = await tx.raw<{ rowCount: number }>(
            `UPDATE "${location.table}" SET ${set} WHERE (${keys}) = (${keyValues.map(() => '?').join(', ')}) AND ${sealed} = ?`,
            [resealed, ...(keyValues as Knex.Value[]), row.sealed]);
          if (updated.rowCount > 0) counts.resealed += 1;
        }
      });
      const last = page[page.length - 1]!;
      after = location.keyColumns.map((column) => last[column] as Knex.Value);
    }
    results.push(counts);
  }
  return results;
}
