// Command line: `pnpm run bench` (about 5 minutes) or `pnpm run bench -- --quick` (about 1 minute);
// `--cpu-prof` also profiles each service.

export interface BenchOptions {
  mode: 'full' | 'quick';
  /** autocannon connections for the bare HTTP ceiling and the full-speed phases. */
  connections: number;
  /** Fixed rate of the paced end-to-end phase, events per second. */
  rate: number;
  postgresClients: number;
  rabbitWindow: number;
  durations: {
    bareHttpS: number;
    postgresS: number;
    rabbitS: number;
    idleS: number;
    ingressS: number;
    pacedS: number;
    fullSpeedS: number;
  };
  /** How long accepted events may take to be found in PostgreSQL with published_at set. */
  settleLimitS: number;
  /** How long the dispatcher may take to deliver a phase's backlog before the next phase starts. */
  drainLimitS: number;
  /** How long the audit queue may take to empty before the next phase starts anyway. */
  auditDrainLimitS: number;
  watchdogS: number;
  /** Run each service with `node --cpu-prof` and summarise where its CPU went. */
  cpuProfile: boolean;
}

const FULL: BenchOptions = {
  mode: 'full',
  connections: 50,
  rate: 500,
  postgresClients: 16,
  rabbitWindow: 256,
  durations: { bareHttpS: 10, postgresS: 10, rabbitS: 10, idleS: 3, ingressS: 20, pacedS: 30, fullSpeedS: 20 },
  settleLimitS: 30,
  drainLimitS: 180,
  auditDrainLimitS: 60,
  watchdogS: 25 * 60,
  cpuProfile: false,
};

const QUICK: BenchOptions = {
  ...FULL,
  mode: 'quick',
  durations: { bareHttpS: 4, postgresS: 4, rabbitS: 4, idleS: 2, ingressS: 6, pacedS: 8, fullSpeedS: 6 },
  settleLimitS: 20,
  drainLimitS: 60,
  auditDrainLimitS: 15,
  watchdogS: 8 * 60,
};

export const USAGE = 'usage: pnpm run bench [-- [--quick] [--cpu-prof]]';

export function parseOptions(argv: readonly string[]): BenchOptions {
  let options = FULL;
  for (const arg of argv) {
    if (arg === '--') continue;
    if (arg === '--quick') options = { ...QUICK, cpuProfile: options.cpuProfile };
    else if (arg === '--cpu-prof') options = { ...options, cpuProfile: true };
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new Error(`unknown argument "${arg}"\n${USAGE}`);
  }
  return options;
}
