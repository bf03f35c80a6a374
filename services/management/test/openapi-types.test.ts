// The request types the management routes use are generated from openapi/management.yaml; a spec change that is
// not regenerated would let the code and the contract drift apart again.
import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { MANAGEMENT_TYPES, renderManagementTypes } from '../../../scripts/openapi-types.js';

describe('the types generated from openapi/management.yaml', () => {
  it('are what openapi-typescript generates from the spec now, so the routes cannot drift from it', async () => {
    const written = await readFile(MANAGEMENT_TYPES, 'utf8').catch(() => '(missing)');
    const fresh = await renderManagementTypes();
    try {
      expect(written).toBe(fresh);
    } catch (error) {
      throw new Error('services/management/src/entry-points/http/openapi-types.ts differs from openapi/management.yaml: '
        + `run \`pnpm run openapi:types\` and commit the result.\n\n${(error as Error).message}`, { cause: error });
    }
  });
});
