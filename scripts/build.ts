// Production build: one tsc program over every libs/* and services/* source (tsconfig.build.json), emitted
// to a staging folder, then each package's src/ output moved to that package's dist/, which is what the
// "default" export condition (plain `node`, no --conditions flag) resolves to. Fails on any type error.
// Then the operator console's static bundle (scripts/build-console.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildConsole } from './build-console.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const staging = join(root, 'node_modules', '.cache', 'hookway-build');

interface SourceMap {
  sources: string[];
  [key: string]: unknown;
}

function packages(): string[] {
  return ['libs', 'services'].flatMap((group) =>
    readdirSync(join(root, group))
      .map((name) => join(group, name))
      .filter((folder) => existsSync(join(root, folder, 'src'))),
  );
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Source maps were written for the staging folder; point their sources at the real src/ files again. */
function relocateSourceMaps(from: string, to: string): void {
  for (const file of filesUnder(to).filter((path) => path.endsWith('.js.map'))) {
    const map = JSON.parse(readFileSync(file, 'utf8')) as SourceMap;
    const stagedDir = dirname(join(from, relative(to, file)));
    map.sources = map.sources.map((source) => relative(dirname(file), resolve(stagedDir, source)));
    writeFileSync(file, JSON.stringify(map));
  }
}

rmSync(staging, { recursive: true, force: true });
const started = Date.now();
const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
if (tsc.status !== 0) {
  process.stderr.write(`build: tsc failed (exit ${tsc.status ?? tsc.signal ?? '?'}); no dist/ was changed\n`);
  process.exit(1);
}

for (const folder of packages()) {
  const emitted = join(staging, folder, 'src');
  const dist = join(root, folder, 'dist');
  rmSync(dist, { recursive: true, force: true });
  if (!existsSync(emitted)) continue;
  mkdirSync(dirname(dist), { recursive: true });
  renameSync(emitted, dist);
  relocateSourceMaps(emitted, dist);
  process.stdout.write(`build: ${folder}/dist\n`);
}
rmSync(staging, { recursive: true, force: true });
if (!buildConsole()) process.exit(1);
process.stdout.write(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
