// Scenario 7, checked at the end of every scenario: no secret, token or API key in any log line of any
// service, nor in any audit entry.
import { expect } from '@jest/globals';
import type { Suite } from './harness.js';

export async function expectNoSecretsLeaked(suite: Suite): Promise<void> {
  const entries = await suite.database.db('audit_entries').select('details', 'actor', 'entity_id');
  const audit = JSON.stringify(entries);
  const leaks = suite.secrets().filter((secret) => audit.includes(secret) || suite.logs.some((line) => line.includes(secret)));
  expect(leaks.map((secret) => `${secret.slice(0, 6)}…`)).toEqual([]);
  // The acme HMAC of a request proves nothing once logged, but a logged signature header would show sloppy logging.
  expect(suite.logs.filter((line) => /sha256=[0-9a-f]{64}/.test(line))).toEqual([]);
}
