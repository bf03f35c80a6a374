// `pnpm run openapi:types`: writes the TypeScript types of openapi/management.yaml (openapi-typescript), which the
// management routes use for their requests; services/management/test/openapi-types.test.ts fails while the file differs.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

export const MANAGEMENT_SPEC = new URL('../openapi/management.yaml', import.meta.url);
export const MANAGEMENT_TYPES = new URL('../services/management/src/entry-points/http/openapi-types.ts', import.meta.url);

const HEADER = [
  '// Generated from openapi/management.yaml by `pnpm run openapi:types` (openapi-typescript). Do not edit: change the',
  '// spec and run the script again; services/management/test/openapi-types.test.ts fails while this file is stale.',
  '',
  '',
].join('\n');

export async function renderManagementTypes(): Promise<string> {
  const nodes = await openapiTS(MANAGEMENT_SPEC, {
    // A schema `{type: object}` without properties (an event's data, a mapping's JSON Schema) holds any keys.
    emptyObjectsUnknown: true,
    // A default is filled in by whoever reads the field, not required of the client: `burst` may be left out.
    defaultNonNullable: false,
    silent: true,
  });
  return HEADER + astToString(nodes);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(MANAGEMENT_TYPES, await renderManagementTypes());
  console.log(`wrote ${MANAGEMENT_TYPES.pathname}`);
}
