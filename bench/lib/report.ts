// The figures of a run, the targets of the issue checked against them, the markdown table printed at the
// end and the JSON file written to bench/results/.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';
import type { FullSpeedResult, PacedResult } from './load.js';
import type { PostgresCeiling, RabbitCeiling } from './machine-limits.js';
import { BENCH_ORDERING_SUBJECTS, type BenchOptions } from './options.js';
import type { ProfileSummary } from './profile.js';
import type { PublishLoadResult } from './publish.js';
import type { PhaseCpu, QueueDepth, Sample } from './sampler.js';
import type { StageBreakdown } from './stages.js';
import { round, type Distribution } from './stats.js';

export interface MachineInfo {
  cpuModel: string;
  cpuCount: number;
  totalMemoryGb: number;
  node: string;
  os: string;
  loadAverageAtStart: number[];
}

export function machineInfo(): MachineInfo {
  const all = cpus();
  return {
    cpuModel: all[0]?.model ?? 'unknown',
    cpuCount: all.length,
    totalMemoryGb: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    os: `${osType()} ${release()}`,
    loadAverageAtStart: loadavg().map((value) => round(value)),
  };
}

export type LoadFigures = Omit<FullSpeedResult, 'accepted'> & { acceptedCount: number };

export interface Durability {
  accepted: number;
  inDatabase: number;
  published: number;
  /** Accepted with a 202 but not in PostgreSQL. */
  lost: number;
  /** In PostgreSQL but published_at still null after the settle time. */
  unpublished: number;
  settleSeconds: number;
}

export interface Deliveries {
  accepted: number;
  /** Arrived at the receiver by the end of the run. */
  delivered: number;
  /** Never arrived: lost, or still queued when the run ended. */
  undelivered: number;
  /** Arrived before the phase's backlog wait (drainLimitS) ended and the next phase began. */
  deliveredBeforeNextPhase: number;
  /** Receiver arrival minus the harness receiving the 202, per event. */
  firstDeliveryMs: Distribution;
  /** Delivered events over the time from the first request of the phase to the last arrival. */
  deliveriesPerSecond: number;
  /** The best whole second of arrivals. */
  peakDeliveriesPerSecond: number;
  /** From the end of the load to the last arrival. */
  drainSeconds: number;
  maxDepth: QueueDepth;
}

/** PostgreSQL work for a phase (pg_stat_database), divided by the events accepted in it. */
export type DatabaseWorkPerEvent = Record<'commits' | 'rollbacks' | 'rowsFetched' | 'rowsInserted' | 'rowsUpdated' | 'rowsDeleted' | 'messages', number>;

export interface Backlog {
  deliveredAll: boolean;
  deliverySeconds: number;
  auditEmpty: boolean;
  auditSeconds: number;
}

export interface ServiceMemory {
  idleMb: number;
  peakMb: number;
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

export interface BenchResults {
  mode: BenchOptions['mode'];
  startedAt: string;
  finishedAt?: string;
  note: string;
  machine: MachineInfo;
  options: BenchOptions;
  limits: {
    http?: Omit<FullSpeedResult, 'accepted'>;
    postgres?: PostgresCeiling;
    rabbitmq?: RabbitCeiling;
  };
  suite?: { prefix: string; database: string; services: { name: string; pid: number }[]; logDir: string };
  ingress?: { load: LoadFigures; durability: Durability; backlog: Backlog; databaseWorkPerEvent?: DatabaseWorkPerEvent };
  /** POST /api/v1/events at full speed, right after the webhooks' phase (same connections and duration). */
  publish?: PublishLoadResult;
  endToEnd: {
    paced?: {
      load: Omit<PacedResult, 'accepted'> & { acceptedCount: number };
      deliveries: Deliveries;
      /** Where the first deliveries' time went (see bench/lib/stages.ts). */
      stages?: StageBreakdown;
      backlog: Backlog;
      databaseWorkPerEvent?: DatabaseWorkPerEvent;
    };
    fullSpeed?: { load: LoadFigures; deliveries: Deliveries; backlog: Backlog; databaseWorkPerEvent?: DatabaseWorkPerEvent };
  };
  /** What the receiver got for the events accepted in the ingress phase. */
  ingressDeliveries?: Deliveries;
  /** Requests the receiver got beyond the first per webhook-id (at-least-once redeliveries). */
  redeliveries?: number;
  memory: Record<string, ServiceMemory>;
  cpu: PhaseCpu[];
  samples: Sample[];
  profiles?: Record<string, ProfileSummary>;
  targets: TargetCheck[];
  error?: string;
}

const TARGETS = {
  ingressShareOfBareHttp: 0.5,
  pacedIngressP99Ms: 50,
  pacedFirstDeliveryP50Ms: 20,
  pacedFirstDeliveryP99Ms: 100,
  fullSpeedDeliveriesPerSecond: 2000,
  serviceRssMb: 150,
} as const;

const number = (value: number, digits = 0): string =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a';
const ms = (value: number): string => `${number(value, value < 10 ? 1 : 0)} ms`;

export function checkTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const { limits, ingress, endToEnd, memory } = results;
  if (ingress && limits.http) {
    const share = ingress.load.acceptedPerSecond / limits.http.okPerSecond;
    checks.push({
      target: `ingress accept rate ≥ ${TARGETS.ingressShareOfBareHttp * 100}% of the bare HTTP ceiling`,
      measured: `${number(share * 100, 1)}%`,
      met: share >= TARGETS.ingressShareOfBareHttp,
    });
    checks.push({
      target: 'zero accepted webhooks lost (in PostgreSQL, published_at set)',
      measured: `${number(ingress.durability.lost + ingress.durability.unpublished)} lost or unpublished`,
      met: ingress.durability.lost === 0 && ingress.durability.unpublished === 0 && ingress.durability.accepted > 0,
    });
  }
  if (endToEnd.paced) {
    const { load, deliveries } = endToEnd.paced;
    checks.push({ target: `ingress p99 ≤ ${TARGETS.pacedIngressP99Ms} ms at ${load.rate}/s`, measured: ms(load.latencyMs.p99), met: load.latencyMs.p99 <= TARGETS.pacedIngressP99Ms });
    checks.push({ target: `first delivery p50 ≤ ${TARGETS.pacedFirstDeliveryP50Ms} ms at ${load.rate}/s`, measured: ms(deliveries.firstDeliveryMs.p50), met: deliveries.firstDeliveryMs.p50 <= TARGETS.pacedFirstDeliveryP50Ms });
    checks.push({ target: `first delivery p99 ≤ ${TARGETS.pacedFirstDeliveryP99Ms} ms at ${load.rate}/s`, measured: ms(deliveries.firstDeliveryMs.p99), met: deliveries.firstDeliveryMs.p99 <= TARGETS.pacedFirstDeliveryP99Ms });
    checks.push({ target: `nothing lost at ${load.rate}/s (receiver distinct = accepted)`, measured: `${number(deliveries.undelivered)} undelivered`, met: deliveries.undelivered === 0 && deliveries.accepted > 0 });
  }
  if (endToEnd.fullSpeed) {
    const { deliveries } = endToEnd.fullSpeed;
    checks.push({ target: `≥ ${number(TARGETS.fullSpeedDeliveriesPerSecond)} deliveries/s at full speed`, measured: `${number(deliveries.deliveriesPerSecond)}/s`, met: deliveries.deliveriesPerSecond >= TARGETS.fullSpeedDeliveriesPerSecond });
    checks.push({ target: 'nothing lost at full speed (receiver distinct = accepted)', measured: `${number(deliveries.undelivered)} undelivered`, met: deliveries.undelivered === 0 && deliveries.accepted > 0 });
  }
  for (const [service, figures] of Object.entries(memory)) {
    checks.push({ target: `${service} ≤ ${TARGETS.serviceRssMb} MB RSS at peak`, measured: `${number(figures.peakMb)} MB`, met: figures.peakMb <= TARGETS.serviceRssMb });
  }
  return checks;
}

function backlogText(backlog: Backlog): string {
  const part = (done: boolean, seconds: number): string => `${done ? 'yes' : 'no'} (${number(seconds, 1)} s)`;
  return `${part(backlog.deliveredAll, backlog.deliverySeconds)} / ${part(backlog.auditEmpty, backlog.auditSeconds)}`;
}

/** Our processes' CPU in the phases of a load, per event it got accepted: the pipeline's cost, process by process. */
export function cpuPerEvent(results: BenchResults, phases: readonly string[], events: number): Record<string, number> {
  const perProcess: Record<string, number> = {};
  if (events === 0) return perProcess;
  for (const phase of results.cpu.filter((candidate) => phases.includes(candidate.phase))) {
    for (const [name, seconds] of Object.entries(phase.cpuSeconds)) {
      if (name === 'other work' || name === 'harness' || name === 'bare http server') continue;
      perProcess[name] = (perProcess[name] ?? 0) + (seconds * 1000) / events;
    }
  }
  return perProcess;
}

function cpuPerEventText(results: BenchResults, phases: readonly string[], events: number): string {
  const perProcess = Object.entries(cpuPerEvent(results, phases, events)).filter(([, ms]) => ms >= 0.005);
  if (perProcess.length === 0) return 'n/a';
  const pipeline = perProcess.filter(([name]) => name !== 'receiver').reduce((sum, [, ms]) => sum + ms, 0);
  return `${number(pipeline, 2)} ms pipeline (receiver aside): ${perProcess.map(([name, ms]) => `${name} ${number(ms, 2)}`).join(', ')}`;
}

function workText(work: DatabaseWorkPerEvent | undefined): string {
  if (!work) return 'n/a';
  return `${number(work.commits, 1)} commits, ${number(work.rowsInserted, 1)} rows inserted, ${number(work.rowsUpdated, 1)} updated, `
    + `${number(work.rowsFetched, 1)} fetched; ${number(work.messages, 2)} RabbitMQ messages`;
}

function statusText(counts: Record<string, number>): string {
  const others = Object.entries(counts).filter(([status]) => status !== '202');
  return others.length > 0 ? others.map(([status, count]) => `${status} × ${number(count)}`).join(', ') : 'none';
}

function deliveredText(deliveries: Deliveries): string {
  const late = deliveries.delivered - deliveries.deliveredBeforeNextPhase;
  return `${number(deliveries.delivered)} / ${number(deliveries.accepted)}${late > 0 ? ` (${number(late)} only after the phase's wait)` : ''}`;
}

function depthText(depth: QueueDepth): string {
  return `events ${number(depth.events)}, jobs ${number(depth.jobs)}, audit ${number(depth.audit)}`;
}

/** The printed summary: every figure, and each target marked met or missed. */
export function markdownTable(results: BenchResults): string {
  const rows: string[][] = [];
  const section = (title: string): number => rows.push([`**${title}**`, '', '', '']);
  const row = (figure: string, measured: string, target?: TargetCheck | string): number =>
    rows.push([
      figure,
      measured,
      typeof target === 'string' ? target : (target?.target ?? ''),
      typeof target === 'object' ? (target.met ? 'met' : '**missed**') : '',
    ]);
  const find = (prefix: string): TargetCheck | undefined => results.targets.find((check) => check.target.startsWith(prefix));
  const { limits, ingress, endToEnd, options } = results;

  if (options.deliveryFilter) section('The bench integration carries a payload filter (--delivery-filter); every event passes it');
  if (options.deliveryOrdering) {
    section(`The bench integration delivers in order per subject (--delivery-ordering): ${BENCH_ORDERING_SUBJECTS} subjects round-robin `
      + 'in every phase');
  }
  section('Machine limits (same run)');
  if (limits.http) {
    row(`Bare node:http, ~1 KB JSON, ${options.connections} connections`,
      `${number(limits.http.okPerSecond)} req/s (p50 ${ms(limits.http.latencyMs.p50)}, p99 ${ms(limits.http.latencyMs.p99)})`);
  }
  if (limits.postgres) {
    row(`PostgreSQL durable single-row INSERT, ${limits.postgres.clients} clients`,
      `${number(limits.postgres.commitsPerSecond)} commits/s (p99 ${ms(limits.postgres.latencyMs.p99)}; synchronous_commit ${limits.postgres.settings.synchronousCommit}, fsync ${limits.postgres.settings.fsync})`);
  }
  if (limits.rabbitmq) {
    row('RabbitMQ persistent publish + confirm, quorum queue', `${number(limits.rabbitmq.publishesPerSecond)}/s (${number(limits.rabbitmq.window)} unconfirmed at most)`);
    row('RabbitMQ consume + ack', `${number(limits.rabbitmq.consumeAcksPerSecond)}/s`);
  }

  if (ingress) {
    const { load, durability } = ingress;
    section(`Ingress, full speed (${options.connections} connections, ${number(load.durationS)} s)`);
    row('Accepted (202) per second', `${number(load.acceptedPerSecond)}/s`, find('ingress accept rate'));
    row('Latency p50 / p99 / max', `${ms(load.latencyMs.p50)} / ${ms(load.latencyMs.p99)} / ${ms(load.latencyMs.max)}`);
    row('Errors / timeouts / non-2xx', `${number(load.errors)} / ${number(load.timeouts)} / ${number(load.non2xx)}`);
    row('Accepted → in PostgreSQL → published_at set',
      `${number(durability.accepted)} → ${number(durability.inDatabase)} → ${number(durability.published)} (settled in ${number(durability.settleSeconds, 1)} s)`,
      find('zero accepted'));
    if (results.ingressDeliveries) {
      const deliveries = results.ingressDeliveries;
      row('Their deliveries: delivered / accepted, deliveries/s', `${number(deliveries.delivered)} / ${number(deliveries.accepted)}, ${number(deliveries.deliveriesPerSecond)}/s (p50 ${ms(deliveries.firstDeliveryMs.p50)} after the 202)`);
      row('Max queue depth', depthText(deliveries.maxDepth));
    }
    row('Backlog: deliveries done / audit queue empty before the next phase', backlogText(ingress.backlog));
    row('PostgreSQL work per accepted event (whole pipeline)', workText(ingress.databaseWorkPerEvent));
    if (results.publish) {
      const { publish } = results;
      row('Publish API (POST /api/v1/events, same connections) accepted per second',
        `${number(publish.acceptedPerSecond)}/s beside webhooks' ${number(ingress.load.acceptedPerSecond)}/s (p50 ${ms(publish.latencyMs.p50)}, p99 ${ms(publish.latencyMs.p99)}, errors ${number(publish.errors)})`);
    }
  }

  if (endToEnd.paced) {
    const { load, deliveries, backlog } = endToEnd.paced;
    section(`End to end at ${number(load.rate)} events/s (${number(load.sendSeconds)} s of sending, last answer after ${number(load.durationS, 1)} s)`);
    row('Ingress latency p50 / p99 / max (from the scheduled send)', `${ms(load.latencyMs.p50)} / ${ms(load.latencyMs.p99)} / ${ms(load.latencyMs.max)}`, find('ingress p99'));
    row('Accepted / other answers / network errors', `${number(deliveries.accepted)} / ${statusText(load.statusCounts)} / ${number(load.networkErrors)}`);
    row('Harness lag behind the schedule (max)', ms(load.maxSendLagMs));
    row('First delivery p50 (202 → receiver)', ms(deliveries.firstDeliveryMs.p50), find('first delivery p50'));
    row('First delivery p99 / max', `${ms(deliveries.firstDeliveryMs.p99)} / ${ms(deliveries.firstDeliveryMs.max)}`, find('first delivery p99'));
    const { stages } = endToEnd.paced;
    if (stages) {
      const stage = (d: Distribution): string => `${ms(d.p50)} / ${ms(d.p99)}`;
      row('Stages p50 / p99: stored → fan-out began', `${stage(stages.storedToFanOut)} (202 → fan-out began: ${stage(stages.acceptedToFanOut)})`);
      row('Stages p50 / p99: fan-out began → request sent', stage(stages.fanOutToSent));
      row('Stages p50 / p99: request sent → at the receiver', stage(stages.sentToArrival));
      row('Stages p50 / p99: at the receiver → answer recorded', stage(stages.arrivalToRecorded));
    }
    row('Delivered (distinct) / accepted', deliveredText(deliveries), find(`nothing lost at ${load.rate}`));
    row('Deliveries/s', `${number(deliveries.deliveriesPerSecond)}/s`);
    row('Max queue depth', depthText(deliveries.maxDepth));
    row('Backlog: deliveries done / audit queue empty before the next phase', backlogText(backlog));
    row('PostgreSQL work per accepted event', workText(endToEnd.paced.databaseWorkPerEvent));
    row('CPU ms per accepted event, by process (load + drain)', cpuPerEventText(results, ['e2e: paced', 'e2e: paced drain'], load.acceptedCount));
  }

  if (endToEnd.fullSpeed) {
    const { load, deliveries, backlog } = endToEnd.fullSpeed;
    section(`End to end, full speed (${options.connections} connections, ${number(load.durationS)} s)`);
    row('Accepted (202) per second', `${number(load.acceptedPerSecond)}/s (p99 ${ms(load.latencyMs.p99)}, errors ${number(load.errors)}, non-2xx ${number(load.non2xx)})`);
    row('Deliveries/s (first request → last arrival)', `${number(deliveries.deliveriesPerSecond)}/s (best second ${number(deliveries.peakDeliveriesPerSecond)})`, find('≥'));
    row('First delivery p50 / p99 / max', `${ms(deliveries.firstDeliveryMs.p50)} / ${ms(deliveries.firstDeliveryMs.p99)} / ${ms(deliveries.firstDeliveryMs.max)}`);
    row('Delivered (distinct) / accepted', `${deliveredText(deliveries)}; last arrival ${number(deliveries.drainSeconds, 1)} s after the load`, find('nothing lost at full'));
    row('Max queue depth', depthText(deliveries.maxDepth));
    row('Backlog: deliveries done / audit queue empty at the end', backlogText(backlog));
    row('PostgreSQL work per accepted event', workText(endToEnd.fullSpeed.databaseWorkPerEvent));
    row('CPU ms per accepted event, by process (load + drain)', cpuPerEventText(results, ['e2e: full speed', 'e2e: full speed drain'], load.acceptedCount));
  }

  const services = Object.entries(results.memory);
  if (services.length > 0) {
    section('Memory (VmRSS, idle → peak)');
    for (const [service, figures] of services) {
      row(service, `${number(figures.idleMb)} → ${number(figures.peakMb)} MB`, find(`${service} ≤`));
    }
  }
  if (results.redeliveries !== undefined) row('Redeliveries seen by the receiver (at-least-once)', number(results.redeliveries));

  const lines = [
    '| Figure | Measured | Target | Result |',
    '| --- | --- | --- | --- |',
    ...rows.map((cells) => `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/** CPU seconds per process in each phase: where the time went. */
export function cpuTable(results: BenchResults): string {
  const order = ['harness', 'bare http server', 'receiver', 'ingress', 'dispatcher', 'audit', 'management', 'pg ← ingress', 'pg ← dispatcher', 'pg ← audit', 'pg ← management', 'rabbitmq', 'other work'];
  const rank = (name: string): number => (order.includes(name) ? order.indexOf(name) : order.length - 1.5);
  const names = [...new Set(results.cpu.flatMap((phase) => Object.keys(phase.cpuSeconds)))].sort((a, b) => rank(a) - rank(b));
  const header = ['Phase', 'wall s', 'machine busy', ...names];
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...results.cpu.map((phase) =>
      `| ${[phase.phase, number(phase.wallSeconds, 1), `${number(phase.machineBusyPercent)}%`, ...names.map((name) => number(phase.cpuSeconds[name] ?? Number.NaN, 1))].join(' | ')} |`),
  ].join('\n');
}

/** ISO 8601 basic format (no colons, safe in every file system): 20261122T203015Z. */
export function fileTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export function writeResults(directory: string, results: BenchResults): string {
  mkdirSync(directory, { recursive: true });
  const file = join(directory, `${fileTimestamp(new Date(results.startedAt))}.json`);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return file;
}
