// Stopping and starting this machine's RabbitMQ and PostgreSQL for the fault scenarios. Every stop is
// paired with a start in a finally block by the caller, so the machine is left as it was found.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { waitFor } from '@hookway/testing';
import { connect } from 'node:net';

const run = promisify(execFile);

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function stopRabbitApp(): Promise<void> {
  await run('rabbitmqctl', ['stop_app'], { timeout: 60_000 });
}

export async function startRabbitApp(): Promise<void> {
  await run('rabbitmqctl', ['start_app'], { timeout: 120_000 });
  await waitFor(() => answers(5672), { timeoutMs: 60_000, what: 'RabbitMQ to accept connections' });
}

function postgresVersion(): string {
  const versions = readdirSync('/etc/postgresql');
  if (versions.length === 0) throw new Error('no PostgreSQL cluster under /etc/postgresql');
  return versions.sort()[versions.length - 1] as string;
}

export async function stopPostgres(): Promise<void> {
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', postgresVersion(), 'main', 'stop', '-m', 'fast'], { timeout: 60_000 });
}

export async function startPostgres(): Promise<void> {
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', postgresVersion(), 'main', 'start'], { timeout: 60_000 }).catch((error: unknown) => {
    // "already running" is fine: the point is that it runs when we are done.
    const stderr = (error as { stderr?: unknown }).stderr;
    if (!(typeof stderr === 'string' && stderr.includes('already running'))) throw error;
  });
  await waitFor(() => answers(5432), { timeoutMs: 60_000, what: 'PostgreSQL to accept connections' });
}
