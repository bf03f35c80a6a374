// Linux /proc readings: resident memory of a process, CPU seconds per process (RabbitMQ's found by name),
// and the whole machine's busy time, so each phase of a run can say where the CPU went.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS = ((): number => {
  const value = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim());
  return Number.isFinite(value) && value > 0 ? value : 100;
})();

/** VmRSS in MB, or undefined when the process is gone. */
export function rssMb(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  /** utime + stime. */
  cpuSeconds: number;
}

export function procStat(pid: number | string): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = text.indexOf('(');
    const close = text.lastIndexOf(')');
    // After "pid (comm) " come the fields of proc(5) from field 3 (state): ppid is field 4, utime/stime 14/15.
    const fields = text.slice(close + 2).split(' ').map(Number);
    const at = (field: number): number => fields[field - 3] ?? Number.NaN;
    return {
      pid: Number(pid),
      comm: text.slice(open + 1, close),
      ppid: at(4),
      cpuSeconds: (at(14) + at(15)) / CLOCK_TICKS,
    };
  } catch {
    return undefined;
  }
}

/** Every live process whose command name is one of `names`. */
export function processesNamed(names: readonly string[]): ProcStat[] {
  const found: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(entry);
    if (stat && names.includes(stat.comm)) found.push(stat);
  }
  return found;
}

/** Busy and total CPU seconds of the whole machine (all cores) since boot. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.slice(0, 8).reduce((sum, value) => sum + value, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: (total - idle) / CLOCK_TICKS, total: total / CLOCK_TICKS };
}
