// Builds the operator console (services/management/console) with Vite into services/management/console/dist,
// which the management service serves at /console. Run by `pnpm run build`, by scripts/env.sh's prepare
// (so `scripts/start.sh` and `scripts/test.sh` serve a console built from the current sources), and by the
// browser tests. Exits non-zero when the build fails.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const consoleDir = join(root, 'services', 'management', 'console');

export function buildConsole(): boolean {
  const vite = join(root, 'services', 'management', 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', consoleDir], { cwd: consoleDir, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`build: the console's vite build failed (exit ${result.status ?? result.signal ?? '?'})\n`);
    return false;
  }
  process.stdout.write('build: services/management/console/dist\n');
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exit(buildConsole() ? 0 : 1);
}
