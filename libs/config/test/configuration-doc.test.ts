import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { renderConfigurationDoc } from '../src/index.js';

const DOC = new URL('../../../docs/configuration.md', import.meta.url);

describe('docs/configuration.md', () => {
  it('is what the config table generates, so a changed variable cannot leave the docs behind', async () => {
    const written = await readFile(DOC, 'utf8').catch(() => '(missing)');
    try {
      expect(written).toBe(renderConfigurationDoc());
    } catch (error) {
      throw new Error('docs/configuration.md differs from libs/config/src/config-table.ts: run `pnpm run docs:config` and commit '
        + `the result.\n\n${(error as Error).message}`, { cause: error });
    }
  });
});
