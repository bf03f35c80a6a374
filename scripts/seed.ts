// Seeds the demo integrations: one per provider, subscribed to every event type, delivering to the
// ingress delivery sink. Idempotent: an existing demo integration is pointed at the sink again, and given a
// new secret when its old one opens under no configured key (the sink checks no signature).
import { loadConfig } from '@hookway/config';
import { PROVIDERS } from '@hookway/contracts';
import { createDatabase } from '@hookway/db';
import { generateSigningSecret, SecretBox } from '@hookway/signing';

const config = loadConfig(process.env, 'seed');
const box = new SecretBox(config.secretEncryptionKey, config.secretEncryptionKeyPrevious);
const db = createDatabase({ url: config.databaseUrl, poolMax: 1 });
try {
  for (const provider of PROVIDERS) {
    const name = `demo-${provider}-sink`;
    const url = `${config.sinkBaseUrl}/api/v1/internal/delivery-sink/${provider}`;
    const existing = await db('integrations').where({ name }).first<{ id: string; secret_sealed: string } | undefined>('id', 'secret_sealed');
    if (existing) {
      const resecret = !box.opens(existing.secret_sealed);
      await db('integrations').where({ id: existing.id }).update({
        url, state: 'active', disabled_reason: null, consecutive_failures: 0, updated_at: db.fn.now(),
        ...(resecret ? { secret_sealed: box.seal(generateSigningSecret()), previous_secret_sealed: null } : {}),
      });
      console.log(`${name}: up to date (${existing.id})${resecret ? '; its secret opened under no configured key, so it has a new one' : ''}`);
      continue;
    }
    const [row] = await db('integrations')
      .insert({
        name,
        provider,
        url,
        event_types: JSON.stringify(['*']),
        headers: JSON.stringify({}),
        description: `Demo: every ${provider} event, delivered to the local delivery sink`,
        secret_sealed: box.seal(generateSigningSecret()),
      })
      .returning<{ id: string }[]>('id');
    console.log(`${name}: created (${row?.id ?? '?'}) -> ${url}`);
  }
} finally {
  await db.destroy();
}
