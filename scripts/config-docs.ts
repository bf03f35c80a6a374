// `pnpm run docs:config`: writes docs/configuration.md from the config table (libs/config/src/config-table.ts).
import { writeFileSync } from 'node:fs';
import { renderConfigurationDoc } from '@hookway/config';

const target = new URL('../docs/configuration.md', import.meta.url);
writeFileSync(target, renderConfigurationDoc());
console.log(`wrote ${target.pathname}`);
