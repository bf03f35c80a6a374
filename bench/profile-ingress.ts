// Ingress alone under load, to see what each accepted webhook costs in ingress CPU and where that CPU goes.
// Starts ingress as a production child process (optionally under `node --cpu-prof`) on a database and
// broker prefix of its own, drives it with signed unique acme webhooks from autocannon, reads the process's
// CPU seconds from /proc, and prints accepted/s, CPU ms per accepted webhook and the profile's hot spots.
// Talks only to 127.0.0.1, is bounded in time, and drops what it created however it ends.
//
//   pnpm run build && npx tsx bench/profile-ingress.ts                 # one run, profiled
//   npx tsx bench/profile-ingress.ts --runs 3 --no-cpu-prof            # medians of three unprofiled runs
//   npx tsx bench/profile-ingress.ts --source                          # ingress from src/ through tsx, no build
//   npx tsx bench/profile-ingress.ts --root /tmp/hookway-before        # the built ingress of another copy (A/B)
//   npx tsx bench/profile-ingress.ts --summarise <file.cpuprofile>     # only summarise a profile
//   npx tsx bench/profile-ingress.ts --no-cpu-prof --node-options "--max-old-space-size=192"   # V8 flags (A/B)
//
// Flags: --duration S (10), --warmup S (3), --connections N (50), --runs N (1), --top N (40),
// --log-level LEVEL (the production default), --keep-profiles (keep the .cpuprofile files and print where).
// The profile covers the whole process (start-up and warm-up too) and samples wall time, so a socket write
// that wakes PostgreSQL or the load generator also counts the time ingress then waited for a core; the
// /proc figures are the CPU ingress really used.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDurationList } from '@hookway/config';
import { createTestBroker, createTestDatabase, type TestDatabase } from '@hookway/testing';
import { repoRoot, terminate } from './lib/child.js';
import { abortOnSignalsAndWatchdog, Cleanup } from './lib/cleanup.js';
import { fullSpeed, type FullSpeedResult } from './lib/load.js';
import { procStat } from './lib/procfs.js';
import { freePort } from './lib/suite.js';
import { summariseProfile, type HotSpot } from './lib/profile.js';
import { round } from './lib/stats.js';
import { pollUntil, sleep } from './lib/time.js';
import { acmeBody, acmeHeaders } from './lib/webhooks.js';

const WEBHOOK_PATH = '/api/v1/webhooks/acme';
const RETRY_SCHEDULE = '5s,30s';
const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const SETTLE_LIMIT_MS = 30_000;

interface Options {
  durationS: number;
  warmupS: number;
  connections: number;
  runs: number;
  top: number;
  cpuProfile: boolean;
  source: boolean;
  keepProfiles: boolean;
  /** The repository whose ingress runs (a copy of an earlier build, for before/after comparisons). */
  root: string;
  logLevel?: string;
  summarise?: string;
  /** NODE_OPTIONS for ingress (none by default), to compare V8 heap settings. */
  nodeOptions?: string;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = {
    durationS: 10, warmupS: 3, connections: 50, runs: 1, top: 40, cpuProfile: true, source: false, keepProfiles: false, root: repoRoot,
  };
  const number = (flag: string, value: string | undefined): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${flag} needs a positive number, got "${value ?? ''}"`);
    return parsed;
  };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = (): string | undefined => argv[++i];
    switch (flag) {
      case '--': break;
      case '--duration': options.durationS = number(flag, value()); break;
      case '--warmup': options.warmupS = number(flag, value()); break;
      case '--connections': options.connections = Math.round(number(flag, value())); break;
      case '--runs': options.runs = Math.round(number(flag, value())); break;
      case '--top': options.top = Math.round(number(flag, value())); break;
      case '--no-cpu-prof': options.cpuProfile = false; break;
      case '--cpu-prof': options.cpuProfile = true; break;
      case '--source': options.source = true; break;
      case '--keep-profiles': options.keepProfiles = true; break;
      case '--log-level': options.logLevel = value(); break;
      case '--root': options.root = value() ?? repoRoot; break;
      case '--summarise': options.summarise = value(); break;
      case '--node-options': options.nodeOptions = value(); break;
      default: throw new Error(`unknown flag ${flag ?? ''}`);
    }
  }
  return options;
}

const secret = (): string => randomBytes(24).toString('hex');

interface RunResult {
  accepted: number;
  acceptedPerSecond: number;
  statusCounts: Record<string, number>;
  errors: number;
  latencyMs: FullSpeedResult['latencyMs'];
  /** Ingress CPU ms per accepted webhook while the load ran. */
  cpuMsPerRequestLoad: number;
  /** Including the publishes and published_at marks that finished after the load. */
  cpuMsPerRequest: number;
  /** The kernel's part of cpuMsPerRequest. */
  systemMsPerRequest: number;
  /** Ingress CPU share of one core while the load ran. */
  coreShare: number;
  unpublished: number;
  lost: number;
  /** Webhooks per INSERT statement over the whole run (ingress's own histogram). */
  meanInsertBatch: number;
  /** PostgreSQL transactions per accepted webhook over the measured load and its settling (statements, here). */
  commitsPerAccepted: number;
  profile?: string;
}

async function meanInsertBatch(opsUrl: string): Promise<number> {
  const text = await (await fetch(`${opsUrl}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  const value = (name: string): number => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1]);
  return round(value('hookway_ingress_insert_batch_size_sum') / value('hookway_ingress_insert_batch_size_count'), 1);
}

/** Transactions committed in the run's database so far (the statistics lag by up to a second). */
async function commits(database: TestDatabase): Promise<number> {
  const row = await database.db('pg_stat_database').where({ datname: database.name }).first<{ xact_commit: string }>('xact_commit');
  return Number(row?.xact_commit ?? Number.NaN);
}

async function unpublishedCount(database: TestDatabase): Promise<number> {
  const [row] = await database.db('events').whereNull('published_at').count<{ count: string }[]>({ count: '*' });
  return Number(row?.count ?? 0);
}

interface CpuTimes {
  /** user + system seconds. */
  total: number;
  /** system (kernel) seconds: socket writes and reads, mostly. */
  system: number;
}

function cpuTimes(pid: number): CpuTimes {
  const stat = procStat(pid);
  if (!stat) throw new Error(`ingress (pid ${pid}) is gone`);
  // proc(5): utime and stime are fields 14 and 15; procStat gives their sum in seconds, so the split scales it.
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ').map(Number);
  const [utime = 0, stime = 0] = [fields[14 - 3], fields[15 - 3]];
  return { total: stat.cpuSeconds, system: utime + stime > 0 ? (stat.cpuSeconds * stime) / (utime + stime) : 0 };
}

async function runOnce(options: Options, index: number, cleanup: Cleanup, signal: AbortSignal): Promise<RunResult> {
  const database = await createTestDatabase('prof');
  cleanup.add(`drop database ${database.name}`, () => database.drop());
  const broker = await createTestBroker('prof', parseDurationList(RETRY_SCHEDULE));
  cleanup.add(`delete queues and exchanges of ${broker.prefix}`, () => broker.cleanup());

  const workDir = mkdtempSync(join(tmpdir(), 'hookway-prof-'));
  cleanup.add(`remove ${workDir}`, async () => {
    if (!options.keepProfiles) rmSync(workDir, { recursive: true, force: true });
  });
  const acmeSecret = secret();
  const port = await freePort();
  const opsPort = await freePort();
  const env: Record<string, string | undefined> = {
    ...process.env,
    NODE_OPTIONS: options.nodeOptions,
    NODE_ENV: 'production',
    DATABASE_URL: database.url,
    RABBITMQ_URL,
    BROKER_PREFIX: broker.prefix,
    INGRESS_PORT: String(port),
    OPS_PORT: String(opsPort),
    ACME_WEBHOOK_SECRET: acmeSecret,
    GLOBEX_WEBHOOK_TOKEN: secret(),
    MANAGEMENT_API_KEY: secret(),
    MANAGEMENT_JWT_SECRET: secret(),
    SECRET_ENCRYPTION_KEY: secret(),
    RETRY_SCHEDULE,
    ...(options.logLevel ? { LOG_LEVEL: options.logLevel } : {}),
  };
  const profileArgs = options.cpuProfile ? ['--cpu-prof', '--cpu-prof-dir', workDir] : [];
  const entry = options.source
    ? ['--conditions=development', '--import', 'tsx', join('services', 'ingress', 'src', 'main.ts')]
    : [join('services', 'ingress', 'dist', 'main.js')];
  const logFile = join(workDir, 'ingress.log');
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...profileArgs, ...entry], { cwd: options.root, env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const pid = child.pid;
  if (pid === undefined) throw new Error('ingress could not be started');
  let exited = false;
  child.once('exit', () => (exited = true));
  cleanup.add(`stop ingress (pid ${pid})`, () => terminate(child, 10_000));

  const url = `http://127.0.0.1:${port}`;
  const ready = await pollUntil(async () => {
    if (exited) return true;
    try {
      return (await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(2_000) })).status === 200;
    } catch {
      return false;
    }
  }, { limitMs: 30_000, intervalMs: 200, signal });
  if (exited || !ready) throw new Error(`ingress did not become healthy within 30 s:\n${readFileSync(logFile, 'utf8').slice(-3_000)}`);

  const load = (durationS: number, idPrefix: string): Promise<FullSpeedResult> =>
    fullSpeed({
      url,
      path: WEBHOOK_PATH,
      connections: options.connections,
      durationS,
      signal,
      nextRequest: (n) => {
        const body = acmeBody(`${idPrefix}-${n}`);
        return { body, headers: acmeHeaders(acmeSecret, body) };
      },
    });
  const settle = (): Promise<boolean> =>
    pollUntil(async () => (await unpublishedCount(database)) === 0, { limitMs: SETTLE_LIMIT_MS, intervalMs: 100, signal });

  const warm = await load(options.warmupS, `warm${index}`);
  await settle();

  await sleep(1_000, signal);
  const commitsBefore = await commits(database);
  const cpuBefore = cpuTimes(pid);
  const measured = await load(options.durationS, `run${index}`);
  const cpuAfterLoad = cpuTimes(pid);
  await settle();
  const cpuAfterSettle = cpuTimes(pid);
  await sleep(1_000, signal);
  const commitsAfter = await commits(database);

  const acceptedTotal = (warm.statusCounts['202'] ?? 0) + (measured.statusCounts['202'] ?? 0);
  const [rows] = await database.db('events').count<{ count: string }[]>({ count: '*' });
  const unpublished = await unpublishedCount(database);
  const batch = await meanInsertBatch(`http://127.0.0.1:${opsPort}`).catch(() => Number.NaN);

  await terminate(child, 10_000);
  // A loader thread (tsx, with --source) writes a profile of its own; the main thread's is the largest.
  const profileFile = readdirSync(workDir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .sort((a, b) => statSync(join(workDir, b)).size - statSync(join(workDir, a)).size)[0];

  const accepted = measured.statusCounts['202'] ?? 0;
  const perRequest = (seconds: number): number => (accepted > 0 ? round((seconds * 1000) / accepted, 3) : Number.NaN);
  return {
    accepted,
    acceptedPerSecond: measured.acceptedPerSecond,
    statusCounts: measured.statusCounts,
    errors: measured.errors + measured.timeouts,
    latencyMs: measured.latencyMs,
    cpuMsPerRequestLoad: perRequest(cpuAfterLoad.total - cpuBefore.total),
    cpuMsPerRequest: perRequest(cpuAfterSettle.total - cpuBefore.total),
    systemMsPerRequest: perRequest(cpuAfterSettle.system - cpuBefore.system),
    coreShare: round((cpuAfterLoad.total - cpuBefore.total) / measured.durationS, 2),
    unpublished,
    lost: Math.max(0, acceptedTotal - Number(rows?.count ?? 0)),
    meanInsertBatch: batch,
    commitsPerAccepted: accepted > 0 ? round((commitsAfter - commitsBefore) / accepted, 2) : Number.NaN,
    ...(profileFile ? { profile: join(workDir, profileFile) } : {}),
  };
}

function hotSpotTable(title: string, spots: readonly HotSpot[]): string {
  const width = Math.max(title.length, ...spots.map((spot) => spot.name.length));
  return [
    `${title.padEnd(width)}  ${'self ms'.padStart(8)}  ${'share'.padStart(6)}`,
    ...spots.map((spot) => `${spot.name.padEnd(width)}  ${String(spot.selfMs).padStart(8)}  ${`${spot.percent}%`.padStart(6)}`),
  ].join('\n');
}

function printProfile(file: string, top: number): void {
  const summary = summariseProfile(file, top);
  process.stdout.write(`\nprofile ${file}: ${round(summary.busyMs / 1000, 2)} s busy\n\n`);
  process.stdout.write(`${hotSpotTable('by package (node/native work charged to its caller)', summary.byCallingPackage)}\n\n`);
  process.stdout.write(`${hotSpotTable('by package of the frame', summary.byPackage)}\n\n`);
  process.stdout.write(`${hotSpotTable('by function (self time)', summary.byFunction)}\n`);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options.summarise) {
    printProfile(options.summarise, options.top);
    return;
  }
  const cleanup = new Cleanup();
  const watchdogMs = options.runs * (options.warmupS + options.durationS + 2 * SETTLE_LIMIT_MS / 1000 + 60) * 1000;
  const controller = abortOnSignalsAndWatchdog(cleanup, watchdogMs);
  const results: RunResult[] = [];
  try {
    for (let index = 1; index <= options.runs; index += 1) {
      // Each run undoes its own database, prefix and process before the next starts; the outer clean-up
      // covers a run that is interrupted.
      const runCleanup = new Cleanup();
      cleanup.add(`clean up run ${index}`, () => runCleanup.runAll());
      const result = await runOnce(options, index, runCleanup, controller.signal);
      results.push(result);
      process.stdout.write(
        `run ${index}: ${result.acceptedPerSecond} accepted/s (${result.accepted} in ${options.durationS} s), ` +
        `ingress CPU ${result.cpuMsPerRequest} ms/request (${result.cpuMsPerRequestLoad} during the load, ${result.systemMsPerRequest} in the kernel, ` +
        `${result.coreShare} of a core), latency p50/p99 ${result.latencyMs.p50}/${result.latencyMs.p99} ms, ` +
        `statuses ${JSON.stringify(result.statusCounts)}, errors ${result.errors}, lost ${result.lost}, unpublished ${result.unpublished}, ` +
        `mean insert batch ${result.meanInsertBatch}, PostgreSQL commits per accepted ${result.commitsPerAccepted}\n`,
      );
      if (result.profile) printProfile(result.profile, options.top);
      await runCleanup.runAll();
    }
    if (results.length > 1) {
      process.stdout.write(
        `\nmedian of ${results.length} runs: ${median(results.map((r) => r.acceptedPerSecond))} accepted/s, ` +
        `ingress CPU ${median(results.map((r) => r.cpuMsPerRequest))} ms/request ` +
        `(${median(results.map((r) => r.cpuMsPerRequestLoad))} during the load)\n`,
      );
    }
    if (options.keepProfiles) process.stdout.write(`profiles kept: ${results.map((r) => r.profile ?? '(none)').join(', ')}\n`);
  } finally {
    await cleanup.runAll();
  }
  const failed = results.some((r) => r.lost > 0 || r.unpublished > 0);
  process.exit(failed ? 1 : 0);
}

await main();
