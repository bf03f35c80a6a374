// Creates the database named in DATABASE_URL when it is missing, then applies every pending migration.
// Run once per deploy (a Kubernetes Job in production), never by each replica at boot.
import { loadConfig } from '@hookway/config';
import { createDatabase, migrateLatest } from '@hookway/db';

const config = loadConfig();
const target = new URL(config.databaseUrl);
const name = decodeURIComponent(target.pathname.slice(1));
const admin = new URL(config.databaseUrl);
admin.pathname = '/postgres';

const server = createDatabase({ url: admin.toString(), poolMax: 1 });
try {
  const exists = await server('pg_database').where({ datname: name }).first<{ datname: string } | undefined>('datname');
  if (!exists) {
    await server.raw('CREATE DATABASE ??', [name]);
    console.log(`created database ${name}`);
  }
} finally {
  await server.destroy();
}

const db = createDatabase({ url: config.databaseUrl, poolMax: 1 });
try {
  const applied = await migrateLatest(db);
  console.log(applied.length > 0 ? `applied ${applied.join(', ')}` : 'database schema is current');
} finally {
  await db.destroy();
}
