// Lint: typescript-eslint's type-aware recommended rules; `any` is an error, not a warning.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Architecture boundaries, with ESLint's own no-restricted-imports (test/lint-boundaries.test.ts proves each):
// domain code imports no framework or client and no outer layer of its service; entry points reach storage only
// through the domain; a service imports no other service; a lib imports no service. main.ts, the composition
// root, may import anything in its service. Whether a relative path reaches another service depends on how deep
// the importing file sits, so the blocks are generated per depth; and since a rule's options do not merge across
// blocks, each block states every restriction for the files it matches.
const SERVICES = ['ingress', 'management', 'dispatcher', 'audit'];
const CODE = '{ts,tsx,js,mjs}';
// How many folders below services/<name>/ or libs/<name>/ a file is checked at; the deepest today is 3.
const MAX_DEPTH = 8;

const restriction = (regex, message) => ({ regex, message, caseSensitive: true });
const servicePackage = `^@hookway/(?:${SERVICES.join('|')})(?:/|$)`;
const below = (levels) => '*/'.repeat(levels);

const NO_OTHER_SERVICE = 'A service never imports another service: code two services share belongs in a lib.';
/**
 * From a file `depth` folders below services/<name>/, a relative path that climbs exactly to services/ and goes
 * down again, or climbs to the root and goes into services/, reaches a service. Other climbs (a test importing a
 * script, say) are left alone.
 */
const serviceRestrictions = (depth) => [
  restriction(servicePackage, NO_OTHER_SERVICE),
  restriction(`^(?:\\./)?(?:\\.\\./){${depth + 1}}(?:(?!\\.\\.(?:/|$))[^/]|\\.\\./services(?:/|$))`, NO_OTHER_SERVICE),
];
const domainRestrictions = [
  restriction(
    '^(?:express|knex|amqplib|got|pg)(?:/|$)',
    'Domain code uses no HTTP framework, database or broker client: declare a port in domain/ and implement it outside.',
  ),
  restriction('^@hookway/http(?:/|$)', 'Domain code throws domain errors; entry-points/http maps them to HTTP answers.'),
  restriction(
    '^\\.{1,2}/(?:.*/)?(?:data-access|entry-points|outbound)(?:/|$)',
    'Domain code depends on no outer layer: data-access/ and outbound/ implement the ports it declares, entry-points/ call it.',
  ),
];
const entryPointRestrictions = [
  restriction(
    '^\\.{1,2}/(?:.*/)?data-access(?:/|$)',
    'Entry points reach storage only through the domain (its services or ports); main.ts hands them the repositories.',
  ),
];
/** From a file `depth` folders below libs/<name>/, a relative path into services/ climbs to the root first. */
const libRestrictions = (depth) => [
  restriction(servicePackage, 'A lib never imports a service.'),
  restriction(`^(?:\\./)?(?:\\.\\./){${depth + 2}}services(?:/|$)`, 'A lib never imports a service.'),
];

const restrict = (files, patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } });

function boundaries() {
  const blocks = [];
  for (let depth = 0; depth <= MAX_DEPTH; depth += 1) {
    blocks.push(restrict([`libs/*/${below(depth)}*.${CODE}`], libRestrictions(depth)));
    blocks.push(restrict([`services/*/${below(depth)}*.${CODE}`], serviceRestrictions(depth)));
    if (depth < 2) continue;
    blocks.push(restrict([`services/*/src/domain/${below(depth - 2)}*.${CODE}`], [...serviceRestrictions(depth), ...domainRestrictions]));
    blocks.push(restrict([`services/*/src/entry-points/${below(depth - 2)}*.${CODE}`], [...serviceRestrictions(depth), ...entryPointRestrictions]));
  }
  return blocks;
}

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      // Handlers that satisfy an async interface need not await anything.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false, project: null },
      globals: { process: 'readonly', console: 'readonly' },
    },
  },
  {
    // Written by openapi-typescript (`pnpm run openapi:types`): its output is checked against the spec, not restyled.
    files: ['services/management/src/entry-points/http/openapi-types.ts'],
    rules: { '@typescript-eslint/no-redundant-type-constituents': 'off' },
  },
  {
    files: ['**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  ...boundaries(),
);
