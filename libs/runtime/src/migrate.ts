// Migrations as a step of their own (the Kubernetes migrate Job, the quick start), never run by every
// replica at boot: creates the database named in DATABASE_URL when it is missing, then applies every
// pending migration. Run as `node libs/runtime/dist/migrate.js`, or `pnpm run migrate` from the sources.
import { loadConfig, type ServiceConfig } from '@hookway/config';
import { createDatabase, migrateLatest } from '@hookway/db';
import { isEntryPoint } from './index.js';

export async function migrate(config: ServiceConfig<'migrate'>, say: (line: string) => void = () => undefined): Promise<string[]> {
  const target = new URL(config.databaseUrl);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(config.databaseUrl);
  admin.pathname = '/postgres';

  const server = createDatabase({ url: admin.toString(), poolMax: 1 });
  try {
    const exists = await server('pg_database').where({ datname: name }).first<{ datname: string } | undefined>('datname');
    if (!exists) {
      await server.raw('CREATE DATABASE ??', [name]);
      say(`created database ${name}`);
    }
  } finally {
    await server.destroy();
  }

  const db = createDatabase({ url: config.databaseUrl, poolMax: 1 });
  try {
    const applied = await migrateLatest(db);
    say(applied.length > 0 ? `applied ${applied.join(', ')}` : 'database schema is current');
    return applied;
  } finally {
    await db.destroy();
  }
}

if (isEntryPoint(import.meta.url)) {
  await migrate(loadConfig(process.env, 'migrate'), (line) => process.stdout.write(`${line}\n`));
}
