// `pnpm run reseal` (the image's SERVICE=reseal): seals every sealed value again under the current
// SECRET_ENCRYPTION_KEY, opening them with it or with SECRET_ENCRYPTION_KEY_PREVIOUS. Prints the counts per
// location; exits 1 when some value opens under no configured key (those are left as they were).
import { loadConfig, type ServiceConfig } from '@hookway/config';
import { createDatabase } from '@hookway/db';
import { isEntryPoint } from './index.js';
import { resealAll, secretBoxFor, type ResealCounts } from './sealed-secrets.js';

export async function reseal(config: ServiceConfig<'reseal'> = loadConfig(process.env, 'reseal'), say: (line: string) => void = () => undefined): Promise<ResealCounts[]> {
  const box = secretBoxFor(config);
  const db = createDatabase({ url: config.databaseUrl, poolMax: 1, applicationName: 'hookway-reseal' });
  try {
    say(`sealing under key ${box.currentKeyId}; opening with ${box.keyIds.join(', ')}`);
    const counts = await resealAll(db, box);
    for (const row of counts) say(`${row.location}: ${row.resealed} resealed, ${row.current} already current, ${row.unopenable} unopenable`);
    return counts;
  } finally {
    await db.destroy();
  }
}

if (isEntryPoint(import.meta.url)) {
  const counts = await reseal(loadConfig(process.env, 'reseal'), (line) => process.stdout.write(`${line}\n`));
  const unopenable = counts.reduce((sum, row) => sum + row.unopenable, 0);
  if (unopenable > 0) {
    process.stderr.write(`${unopenable} value(s) open under no configured key: add the key that sealed them to SECRET_ENCRYPTION_KEY_PREVIOUS and run again\n`);
    process.exit(1);
  }
}
