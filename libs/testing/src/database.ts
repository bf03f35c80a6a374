// A throw-away PostgreSQL database per test file, migrated to the latest schema.
import { randomBytes } from 'node:crypto';
import { createDatabase, migrateLatest, type Knex } from '@hookway/db';

export interface TestDatabase {
  name: string;
  url: string;
  db: Knex;
  drop(): Promise<void>;
}

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const name = `hw_${label.replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 20)}_${randomBytes(5).toString('hex')}`;
  const admin = createDatabase({ url: ADMIN_URL, poolMax: 1 });
  try {
    await admin.raw(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.destroy();
  }
  const url = withDatabase(ADMIN_URL, name);
  const db = createDatabase({ url, poolMax: 5 });
  await migrateLatest(db);
  return {
    name,
    url,
    db,
    drop: async () => {
      await db.destroy();
      const cleanup = createDatabase({ url: ADMIN_URL, poolMax: 1 });
      try {
        await cleanup.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await cleanup.destroy();
      }
    },
  };
}
