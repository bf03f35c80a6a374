// Runs the four services as child processes with prefixed output. Ctrl-C (or SIGTERM) stops them
// all; if one exits on its own, the others are stopped too and the exit code says so.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SERVICES = ['audit', 'dispatcher', 'ingress', 'management'] as const;
const root = fileURLToPath(new URL('..', import.meta.url));
const production = process.env.NODE_ENV === 'production';
const children = new Map<string, ChildProcess>();
let stopping = false;

// On one host every service needs its own ops port (/metrics, /health, /ready): OPS_PORT, OPS_PORT+1, ...
const opsBase = Number(process.env.OPS_PORT ?? 9464);

for (const [index, service] of SERVICES.entries()) {
  const args = production
    ? [`services/${service}/dist/main.js`]
    : ['--conditions=development', '--import', 'tsx', `services/${service}/src/main.ts`];
  const env = { ...process.env, OPS_PORT: String(opsBase + index) };
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env });
  children.set(service, child);
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${service.padEnd(10)} | ${line}\n`));
  }
  child.on('exit', (code, signal) => {
    children.delete(service);
    process.stdout.write(`${service.padEnd(10)} | exited (${signal ?? code})\n`);
    if (!stopping) stopAll(1);
    if (children.size === 0) process.exit(process.exitCode ?? 0);
  });
}

function stopAll(exitCode: number): void {
  if (stopping) return;
  stopping = true;
  process.exitCode = exitCode;
  for (const child of children.values()) child.kill('SIGTERM');
  setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
  }, 15_000).unref();
}

process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

const ingressPort = process.env.INGRESS_PORT ?? '3000';
const managementPort = process.env.MANAGEMENT_PORT ?? '3001';
setTimeout(() => {
  if (stopping) return;
  process.stdout.write(
    `\nHookway is up: ingress http://127.0.0.1:${ingressPort}/api/v1  management http://127.0.0.1:${managementPort}/api/v1\n` +
      `Operator console: http://127.0.0.1:${managementPort}/console/ (sign in with MANAGEMENT_API_KEY${production ? '' : ', dev-management-key in development'})\n` +
      `Metrics, liveness and readiness: ${SERVICES.map((service, index) => `${service} :${opsBase + index}`).join(', ')} (/metrics, /health, /ready)\n` +
      'Send a first webhook with the curl line from the README.\n\n',
  );
}, 3_000).unref();
