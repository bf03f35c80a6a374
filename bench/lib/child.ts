// Helper processes of the harness (bare HTTP server, receiver): TypeScript run through tsx, an IPC
// channel to report their port, killed by the clean-up (and exiting by themselves if the harness dies).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Cleanup } from './cleanup.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface HelperProcess {
  child: ChildProcess;
  port: number;
  stop(): Promise<void>;
}

/** Sends SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export async function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function startHelper(script: string, cleanup: Cleanup): Promise<HelperProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url))], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const stop = (): Promise<void> => terminate(child, 3_000);
  cleanup.add(`stop ${script}`, stop);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not report ready within 20 s`)), 20_000);
    child.once('exit', (code, signal) => reject(new Error(`${script} exited before it was ready (${signal ?? code})`)));
    child.on('message', (message: { type?: string; port?: number }) => {
      if (message.type === 'ready' && typeof message.port === 'number') {
        clearTimeout(timer);
        resolve(message.port);
      }
    });
  });
  return { child, port, stop };
}
