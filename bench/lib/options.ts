// Command line: `pnpm run bench` (about 5 minutes) or `pnpm run bench -- --quick` (about 1 minute);
// `--cpu-prof` also profiles each service; `--delivery-filter` gives the bench integration a payload
// filter that every bench event passes, so the cost of filters shows next to plain delivery;
// `--delivery-ordering` makes it deliver in order per subject (issue 19), over a few shared subjects.

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
  /** The bench integration carries BENCH_DELIVERY_FILTER (which every bench event passes). */
  deliveryFilter: boolean;
  /**
   * The bench integration has `ordering = 'subject'`, and the events of the full-speed phases carry
   * BENCH_ORDERING_SUBJECTS subjects round-robin, in every phase.
   */
  deliveryOrdering: boolean;
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
  deliveryFilter: false,
  deliveryOrdering: false,
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

export const USAGE = 'usage: pnpm run bench [-- [--quick] [--rate=N] [--cpu-prof] [--delivery-filter] [--delivery-ordering]]';

/** Five conditions over the type, a nested path, an array index and a logical operator; every bench event matches. */
export const BENCH_DELIVERY_FILTER = {
  type: 'order.created',
  'data.total': { $gte: 1000 },
  'data.customer.id': { $exists: true },
  'data.items.0.sku': { $in: ['sku-1', 'sku-9'] },
  $or: [{ 'data.currency': 'EUR' }, { 'data.currency': 'USD' }],
};

/** Few enough that each subject gets many events in a phase, enough that ordered delivery still runs in parallel. */
export const BENCH_ORDERING_SUBJECTS = 64;

export function parseOptions(argv: readonly string[]): BenchOptions {
  let options = FULL;
  for (const arg of argv) {
    if (arg === '--') continue;
    const rate = /^--rate=(\d+)$/.exec(arg);
    if (rate) {
      if (Number(rate[1]) < 1) throw new Error(`--rate must be at least 1\n${USAGE}`);
      options = { ...options, rate: Number(rate[1]) };
    } else if (arg === '--quick') {
      options = { ...QUICK, rate: options.rate, cpuProfile: options.cpuProfile, deliveryFilter: options.deliveryFilter, deliveryOrdering: options.deliveryOrdering };
    } else if (arg === '--cpu-prof') options = { ...options, cpuProfile: true };
    else if (arg === '--delivery-filter') options = { ...options, deliveryFilter: true };
    else if (arg === '--delivery-ordering') options = { ...options, deliveryOrdering: true };
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new Error(`unknown argument "${arg}"\n${USAGE}`);
  }
  return options;
}
