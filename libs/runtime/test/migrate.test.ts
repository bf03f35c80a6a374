import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { createDatabase, MIGRATIONS } from '@hookway/db';
import { testConfig } from '@hookway/testing';
import { migrate } from '../src/migrate.js';

describe('migrate', () => {
  it('creates the database when it is missing, applies every migration, and applies nothing the second time', async () => {
    const name = `hw_migrate_${randomBytes(4).toString('hex')}`;
    const config = testConfig({ databaseUrl: `postgres://postgres@127.0.0.1:5432/${name}`, brokerPrefix: 'unused' });
    const said: string[] = [];
    const admin = createDatabase({ url: 'postgres://postgres@127.0.0.1:5432/postgres', poolMax: 1 });
    try {
      expect(await migrate(config, (line) => said.push(line))).toEqual(MIGRATIONS.map(([migration]) => migration));
      expect(await migrate(config, (line) => said.push(line))).toEqual([]);
      expect(said).toEqual([`created database ${name}`, expect.stringMatching(/^applied /), 'database schema is current']);
    } finally {
      await admin.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.destroy();
    }
  });
});
