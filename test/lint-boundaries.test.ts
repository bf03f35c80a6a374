// The architecture boundaries in eslint.config.js, each shown to fail on a deliberate violation and to let the
// allowed import through. Files are linted as text under paths that need not exist.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const root = fileURLToPath(new URL('..', import.meta.url));

// The project's own config, less the type-aware rules: a file that exists only as text has no program to type
// check, and the boundaries are a matter of syntax.
const eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked });

/** The boundary messages ESLint reports for `code` as if it were the file at `path` (relative to the repository). */
async function boundaryErrors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath: `${root}${path}` });
  const messages = result?.messages ?? [];
  // A parse error or an ignored path would leave nothing to report, and an allowed import would pass for nothing.
  expect(messages.filter((message) => message.ruleId === null)).toEqual([]);
  return messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

describe('domain code', () => {
  const domainFile = 'services/ingress/src/domain/sources/example.ts';

  it.each(['express', '@hookway/http', 'knex', 'amqplib', 'got', 'pg'])('when it imports %s, lint fails', async (module) => {
    expect(await boundaryErrors(domainFile, `import '${module}';`)).toHaveLength(1);
  });

  it.each([
    '../../data-access/source.repository.js',
    '../../entry-points/http/errors.js',
  ])('when it imports its service\'s outer layer (%s), lint fails', async (path) => {
    expect(await boundaryErrors(domainFile, `import type { X } from '${path}';`)).toEqual([expect.stringContaining('no outer layer')]);
  });

  it('when dispatcher domain code imports outbound/, lint fails', async () => {
    expect(await boundaryErrors('services/dispatcher/src/domain/example.ts', `import { x } from '../outbound/dispatch-publisher.js';`))
      .toEqual([expect.stringContaining('no outer layer')]);
  });

  it('when it re-exports @hookway/http, lint fails', async () => {
    expect(await boundaryErrors('services/management/src/domain/example.ts', `export { AppError } from '@hookway/http';`))
      .toEqual([expect.stringContaining('domain errors')]);
  });

  it('when it imports its own ports, other domain modules, libs and contracts, lint passes', async () => {
    const code = [
      `import type { SourceReader } from './source-catalog.js';`,
      `import { singleHeader } from '../providers/provider.js';`,
      `import { isDataException } from '@hookway/db';`,
      `import type { VerifierConfig } from '@hookway/contracts';`,
      `import { createHash } from 'node:crypto';`,
    ].join('\n');
    expect(await boundaryErrors(domainFile, code)).toEqual([]);
  });
});

describe('entry points', () => {
  it('when one imports data-access, lint fails', async () => {
    expect(await boundaryErrors(
      'services/management/src/entry-points/http/example.routes.ts',
      `import type { EventRepository } from '../../data-access/event.repository.js';`,
    )).toEqual([expect.stringContaining('Entry points reach storage only through the domain')]);
  });

  it('when one imports the domain, express and @hookway/http, lint passes', async () => {
    const code = [
      `import { Router } from 'express';`,
      `import { sendData } from '@hookway/http';`,
      `import type { EventReader } from '../../domain/ports.js';`,
      `import { operatorOf } from './errors.js';`,
    ].join('\n');
    expect(await boundaryErrors('services/management/src/entry-points/http/example.routes.ts', code)).toEqual([]);
  });
});

describe('services', () => {
  it.each([
    ['services/ingress/src/domain/example.ts', '../../../dispatcher/src/domain/retry-policy.js'],
    ['services/ingress/src/main.ts', '../../audit/src/main.js'],
    ['services/ingress/src/entry-points/http/example.ts', '../../../../management/src/domain/ports.js'],
    ['services/ingress/test/example.test.ts', '../../../services/management/src/main.js'],
    ['services/audit/src/data-access/example.ts', '@hookway/ingress'],
  ])('when %s imports %s, lint fails', async (file, module) => {
    expect(await boundaryErrors(file, `import '${module}';`)).toEqual([expect.stringContaining('never imports another service')]);
  });

  it('when main.ts, the composition root, imports every layer of its own service, lint passes', async () => {
    const code = [
      `import { EventRepository } from './data-access/event.repository.js';`,
      `import { WebhookIntake } from './domain/webhook-intake.js';`,
      `import { mountWebhookRoutes } from './entry-points/http/webhook.routes.js';`,
      `import { createHttpApp } from '@hookway/http';`,
      `import knex from 'knex';`,
    ].join('\n');
    expect(await boundaryErrors('services/ingress/src/main.ts', code)).toEqual([]);
  });

  it('when a service test imports a repository script, lint passes', async () => {
    expect(await boundaryErrors('services/management/test/example.test.ts', `import '../../../scripts/build-console.js';`)).toEqual([]);
  });
});

describe('libs', () => {
  it.each(['@hookway/management', '../../../services/management/src/domain/ports.js'])('when one imports %s, lint fails', async (module) => {
    expect(await boundaryErrors('libs/http/src/example.ts', `import '${module}';`)).toEqual([expect.stringContaining('A lib never imports a service')]);
  });

  it('when one imports another lib, lint passes', async () => {
    expect(await boundaryErrors('libs/http/src/example.ts', `import { isDatabaseUnavailable } from '@hookway/db';`)).toEqual([]);
  });
});
