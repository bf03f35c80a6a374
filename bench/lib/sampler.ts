// Phases of the run and what is sampled during them: every 500 ms the RSS of each service and the depth
// of the dispatcher's queues (and the audit queue); at each phase boundary the CPU seconds of each of our
// processes, of the PostgreSQL backends serving each service, of RabbitMQ and of the whole machine, so
// every phase can say where its time went and how much of the machine was not ours.
import { machineCpu, processesNamed, procStat, rssMb } from './procfs.js';
import { round } from './stats.js';
import { now } from './time.js';

export interface QueueDepth {
  events: number;
  jobs: number;
  audit: number;
}

export interface Sample {
  /** Seconds since the run started. */
  t: number;
  phase: string;
  rssMb: Record<string, number>;
  depth?: QueueDepth;
}

export interface PhaseCpu {
  phase: string;
  wallSeconds: number;
  /** Busy share of all cores of the machine, 0–100. */
  machineBusyPercent: number;
  /** CPU seconds per process group; "other work" is the machine's busy time that none of ours explains. */
  cpuSeconds: Record<string, number>;
}

export const GROUPS = {
  harness: 'harness',
  rabbitmq: 'rabbitmq',
  other: 'other work',
} as const;

/** A PostgreSQL backend serving our database, and the application_name of the client it serves. */
export interface Backend {
  pid: number;
  application: string;
}

interface Snapshot {
  at: number;
  machine: { busy: number; total: number };
  harness: number;
  cpuByPid: Map<number, { comm: string; cpu: number }>;
}

export class Sampler {
  readonly samples: Sample[] = [];
  readonly phases: PhaseCpu[] = [];
  private phase = 'startup';
  private readonly tracked = new Map<string, number>();
  /** Backend pid → CPU group ("pg ← dispatcher"). */
  private readonly ourBackends = new Map<number, string>();
  /** Last CPU reading of each tracked process, so one that exits mid-phase still counts up to then. */
  private readonly lastCpu = new Map<number, number>();
  private depthReader?: () => Promise<QueueDepth>;
  private backendReader?: () => Promise<Backend[]>;
  private timer?: NodeJS.Timeout;
  private sampling = false;
  private readonly startedAt = now();
  private snapshot: Snapshot;

  constructor() {
    this.snapshot = this.takeSnapshot();
    this.timer = setInterval(() => void this.sample(), 500);
  }

  /** Counts a process of ours (CPU per phase, RSS every 500 ms). */
  track(name: string, pid: number): void {
    this.tracked.set(name, pid);
  }

  /** Where queue depth and the PostgreSQL backends serving our database come from, once they exist. */
  watch(depth: () => Promise<QueueDepth>, backends: () => Promise<Backend[]>): void {
    this.depthReader = depth;
    this.backendReader = backends;
  }

  enter(phase: string): void {
    this.closePhase();
    this.phase = phase;
  }

  stop(): void {
    this.closePhase();
    clearInterval(this.timer);
  }

  private closePhase(): void {
    const next = this.takeSnapshot();
    const previous = this.snapshot;
    this.snapshot = next;
    const wall = (next.at - previous.at) / 1000;
    if (wall < 0.05) return;
    // A process that started during the phase counts whole; one that ended loses its last interval.
    const delta = (pid: number): number => {
      const after = next.cpuByPid.get(pid)?.cpu;
      if (after === undefined) return 0;
      return after - (previous.cpuByPid.get(pid)?.cpu ?? 0);
    };
    const sum = (pids: Iterable<number>): number => [...pids].reduce((total, pid) => total + delta(pid), 0);
    const pidsOf = (comm: string): number[] => [...next.cpuByPid].filter(([, entry]) => entry.comm === comm).map(([pid]) => pid);

    const cpu: Record<string, number> = { [GROUPS.harness]: next.harness - previous.harness };
    for (const [name, pid] of this.tracked) if (next.cpuByPid.has(pid)) cpu[name] = delta(pid);
    for (const [pid, group] of this.ourBackends) cpu[group] = (cpu[group] ?? 0) + delta(pid);
    cpu[GROUPS.rabbitmq] = sum(pidsOf('beam.smp'));
    const busy = next.machine.busy - previous.machine.busy;
    const ours = Object.values(cpu).reduce((total, seconds) => total + seconds, 0);
    cpu[GROUPS.other] = Math.max(0, busy - ours);
    const totalDelta = next.machine.total - previous.machine.total;
    this.phases.push({
      phase: this.phase,
      wallSeconds: round(wall),
      machineBusyPercent: totalDelta > 0 ? round((100 * busy) / totalDelta, 1) : Number.NaN,
      cpuSeconds: Object.fromEntries(Object.entries(cpu).map(([name, seconds]) => [name, round(seconds)])),
    });
  }

  private takeSnapshot(): Snapshot {
    const usage = process.cpuUsage();
    const cpuByPid = new Map<number, { comm: string; cpu: number }>();
    for (const stat of processesNamed(['beam.smp'])) cpuByPid.set(stat.pid, { comm: stat.comm, cpu: stat.cpuSeconds });
    for (const pid of this.tracked.values()) {
      const cpu = this.readTrackedCpu(pid);
      if (cpu !== undefined) cpuByPid.set(pid, { comm: 'tracked', cpu });
    }
    for (const pid of this.ourBackends.keys()) {
      const stat = procStat(pid);
      if (stat) cpuByPid.set(pid, { comm: stat.comm, cpu: stat.cpuSeconds });
    }
    return { at: now(), machine: machineCpu(), harness: (usage.user + usage.system) / 1e6, cpuByPid };
  }

  private readTrackedCpu(pid: number): number | undefined {
    const stat = procStat(pid);
    if (stat) this.lastCpu.set(pid, stat.cpuSeconds);
    return this.lastCpu.get(pid);
  }

  private async sample(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      for (const pid of this.tracked.values()) this.readTrackedCpu(pid);
      const rss: Record<string, number> = {};
      for (const [name, pid] of this.tracked) {
        const value = rssMb(pid);
        if (value !== undefined) rss[name] = round(value, 1);
      }
      const sample: Sample = { t: round((now() - this.startedAt) / 1000), phase: this.phase, rssMb: rss };
      try {
        if (this.depthReader) sample.depth = await this.depthReader();
        for (const { pid, application } of (await this.backendReader?.()) ?? []) {
          this.ourBackends.set(pid, `pg ← ${application.replace(/^hookway-/, '')}`);
        }
      } catch {
        // The broker channel or the database is being reopened; this sample has no depth.
      }
      this.samples.push(sample);
    } finally {
      this.sampling = false;
    }
  }
}
