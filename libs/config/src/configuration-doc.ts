// docs/configuration.md, written from CONFIG_TABLE (`pnpm run docs:config`); a test fails while the file differs.
import { CONFIG_KEYS, configKeysOf, entryOf, SERVICE_NAMES, secretEnvNames, type ConfigDefault, type ConfigEntry } from './config-table.js';

const UNITS: ReadonlyArray<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1_000], ['ms', 1]];

function durationText(ms: number): string {
  if (ms === 0) return '0';
  const [unit, size] = UNITS.find(([, unitMs]) => ms % unitMs === 0) ?? ['ms', 1];
  return `${ms / size}${unit}`;
}

function code(text: string): string {
  return `\`${text}\``;
}

function range(bounds: { minimum?: number; maximum?: number }, show: (value: number) => string): string {
  const { minimum, maximum } = bounds;
  if (minimum !== undefined && maximum !== undefined) return ` ${show(minimum)} to ${show(maximum)}`;
  if (minimum !== undefined) return ` ≥ ${show(minimum)}`;
  if (maximum !== undefined) return ` ≤ ${show(maximum)}`;
  return '';
}

function typeText(entry: ConfigEntry): string {
  const type = ((): string => {
    switch (entry.kind) {
      case 'string':
        return entry.pattern === undefined ? 'string' : `string matching ${code(entry.pattern)}`;
      case 'secret':
        return `string of ${entry.minLength}+ characters`;
      case 'enum':
        return entry.values.map(code).join(' / ');
      case 'integer':
        return `integer${range(entry, String)}`;
      case 'duration':
        return `duration${range(entry, durationText)}`;
      case 'durationList':
        return `list of durations${entry.maxItems === undefined ? '' : `, at most ${entry.maxItems}`}`;
      case 'list':
        return `list${entry.items?.minLength === undefined ? '' : ` of ${entry.items.minLength}+ character items`}`;
    }
  })();
  return entry.secret === true ? `${type}; **secret**` : type;
}

function valueText(text: string): string {
  return text === '' ? 'none' : code(text);
}

function defaultCell(fallback: ConfigDefault): string {
  if (typeof fallback === 'string') return valueText(fallback);
  const exceptions = (['development', 'test', 'production'] as const)
    .filter((env) => fallback[env] !== undefined)
    .map((env) => `${env}: ${fallback[env] === null ? 'required' : valueText(fallback[env] ?? '')}`);
  return `${valueText(fallback.otherwise)} (${exceptions.join('; ')})`;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

export function renderConfigurationDoc(): string {
  const variables = CONFIG_KEYS.map(entryOf).map((entry) =>
    `| ${[code(entry.env), typeText(entry), defaultCell(entry.default), entry.services.join(', '), entry.description].map(cell).join(' | ')} |`);
  const services = SERVICE_NAMES.map((service) => {
    const secrets = secretEnvNames(service);
    const others = configKeysOf(service).map(entryOf).filter((entry) => entry.secret !== true).map((entry) => code(entry.env));
    return `| ${code(service)} | ${secrets.map(code).join(', ') || 'none'} | ${others.join(', ')} |`;
  });
  return [
    '# Configuration',
    '',
    '<!-- Generated from libs/config/src/config-table.ts by `pnpm run docs:config`. Edit the table, not this file:',
    '     a test (libs/config/test/configuration-doc.test.ts) fails while the two differ. -->',
    '',
    'Every variable is read from the environment by the services listed for it, and only by them; each service',
    'validates its variables at boot, and a bad value (or, under `NODE_ENV=production`, a missing secret) stops the',
    'process with a message naming each problem. Secrets have development defaults only outside production.',
    '',
    'Durations are written `50ms`, `5s`, `2m`, `1h` or `1d`; lists are comma-separated. The variables marked **secret**',
    'hold credentials: in Kubernetes they come from the `hookway-secrets` Secret, and each workload is given only the',
    'ones its service reads (`deploy/base`, checked by `test/deploy.test.ts`). `migrate` and `reseal` are the one-off',
    'commands of the image (`SERVICE=migrate`, `SERVICE=reseal`), `seed` is `pnpm run seed`.',
    '',
    '| variable | type | default | read by | meaning |',
    '| --- | --- | --- | --- | --- |',
    ...variables,
    '',
    '## By service',
    '',
    '| service | secrets | other variables |',
    '| --- | --- | --- |',
    ...services,
    '',
  ].join('\n');
}
