// The Hookway benchmark: this machine's own limits, then the built suite under ingest and delivery load,
// in one run. Prints a markdown table with each target met or missed and writes every figure to
// bench/results/<timestamp>.json. Talks only to 127.0.0.1, stops by itself, and undoes everything it
// created (processes, databases, queues) however it ends. Usage and the meaning of each figure: bench/README.md.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Knex } from '@hookway/db';
import { generateApiKey } from '@hookway/signing';
import { abortOnSignalsAndWatchdog, Cleanup } from './lib/cleanup.js';
import { fullSpeed, paced, type FullSpeedResult } from './lib/load.js';
import { bareHttpCeiling, postgresCeiling, rabbitCeiling } from './lib/machine-limits.js';
import { BENCH_DELIVERY_FILTER, BENCH_ORDERING_SUBJECTS, parseOptions, type BenchOptions } from './lib/options.js';
import { profileText, summariseProfiles } from './lib/profile.js';
import { publishLoad } from './lib/publish.js';
import { Receiver } from './lib/receiver.js';
import {
  checkTargets, cpuTable, machineInfo, markdownTable, writeResults,
  type Backlog, type BenchResults, type DatabaseWorkPerEvent, type Deliveries, type Durability, type LoadFigures,
} from './lib/report.js';
import { Sampler, type QueueDepth } from './lib/sampler.js';
import { stageBreakdown } from './lib/stages.js';
import { distribution, ratePerSecond, round } from './lib/stats.js';
import { removeLogs, startSuite, type DatabaseWork, type Suite } from './lib/suite.js';
import { now, pollUntil, sleep } from './lib/time.js';
import { acmeBody, acmeHeaders } from './lib/webhooks.js';

const RESULTS_DIR = fileURLToPath(new URL('./results', import.meta.url));
const WEBHOOK_PATH = '/api/v1/webhooks/acme';
const EMPTY_DEPTH: QueueDepth = { events: 0, jobs: 0, audit: 0 };

/** One load phase whose deliveries are judged at the end of the run. */
interface DeliveryPhase {
  accepted: ReadonlyMap<string, number>;
  loadStartedAt: number;
  loadEndedAt: number;
  /** When the harness stopped waiting for this phase's backlog. */
  backlogEndedAt: number;
  sampledPhases: string[];
}

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

/** Polls PostgreSQL until every accepted event is stored with published_at set, or the limit passes. */
async function checkDurability(db: Knex, ids: readonly string[], limitS: number, signal: AbortSignal): Promise<Durability> {
  const startedAt = now();
  let inDatabase = 0;
  let published = 0;
  const count = async (): Promise<boolean> => {
    inDatabase = 0;
    published = 0;
    for (let offset = 0; offset < ids.length; offset += 5_000) {
      const row = await db('events')
        .whereIn('id', ids.slice(offset, offset + 5_000))
        .first<{ found: number; published: number }>(db.raw('count(*)::int AS found'), db.raw('count(published_at)::int AS published'));
      inDatabase += row.found;
      published += row.published;
    }
    return published === ids.length;
  };
  await pollUntil(count, { limitMs: limitS * 1000, intervalMs: 500, signal });
  return {
    accepted: ids.length,
    inDatabase,
    published,
    lost: ids.length - inDatabase,
    unpublished: inDatabase - published,
    settleSeconds: round((now() - startedAt) / 1000, 1),
  };
}

/** Waits for a phase's events to reach the receiver and the queues to empty, then for the audit queue. */
async function waitForBacklog(
  suite: Suite, receiver: Receiver, accepted: ReadonlyMap<string, number>, options: BenchOptions, signal: AbortSignal,
): Promise<Backlog> {
  const startedAt = now();
  const deliveredAll = await pollUntil(async () => {
    await receiver.refresh();
    const depth = await suite.depth();
    return receiver.countArrived(accepted.keys()) === accepted.size && depth.events === 0 && depth.jobs === 0;
  }, { limitMs: options.drainLimitS * 1000, intervalMs: 250, signal });
  const deliverySeconds = round((now() - startedAt) / 1000, 1);
  const auditStartedAt = now();
  const auditEmpty = await pollUntil(async () => (await suite.depth()).audit === 0, {
    limitMs: options.auditDrainLimitS * 1000, intervalMs: 500, signal,
  });
  return { deliveredAll, deliverySeconds, auditEmpty, auditSeconds: round((now() - auditStartedAt) / 1000, 1) };
}

function maxDepth(sampler: Sampler, phases: readonly string[]): QueueDepth {
  const result = { ...EMPTY_DEPTH };
  for (const sample of sampler.samples) {
    if (!sample.depth || !phases.includes(sample.phase)) continue;
    result.events = Math.max(result.events, sample.depth.events);
    result.jobs = Math.max(result.jobs, sample.depth.jobs);
    result.audit = Math.max(result.audit, sample.depth.audit);
  }
  return result;
}

function deliveryFigures(phase: DeliveryPhase, receiver: Receiver, sampler: Sampler): Deliveries {
  const latencies: number[] = [];
  const perSecond = new Map<number, number>();
  let lastArrival = phase.loadStartedAt;
  let beforeNextPhase = 0;
  for (const [id, acceptedAt] of phase.accepted) {
    const arrival = receiver.arrivals.get(id);
    if (arrival === undefined) continue;
    latencies.push(arrival - acceptedAt);
    lastArrival = Math.max(lastArrival, arrival);
    if (arrival <= phase.backlogEndedAt) beforeNextPhase += 1;
    const second = Math.floor((arrival - phase.loadStartedAt) / 1000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
  }
  return {
    accepted: phase.accepted.size,
    delivered: latencies.length,
    undelivered: phase.accepted.size - latencies.length,
    deliveredBeforeNextPhase: beforeNextPhase,
    firstDeliveryMs: distribution(latencies),
    deliveriesPerSecond: ratePerSecond(latencies.length, lastArrival - phase.loadStartedAt),
    peakDeliveriesPerSecond: Math.max(0, ...perSecond.values()),
    drainSeconds: round(Math.max(0, lastArrival - phase.loadEndedAt) / 1000, 1),
    maxDepth: maxDepth(sampler, phase.sampledPhases),
  };
}

/** A workspace and an events:publish key without a rate limit, for the publish phase. */
async function seedPublishKey(db: Knex): Promise<string> {
  const [workspace] = await db('workspaces').insert({ slug: `bench-${Date.now()}`, name: 'Bench' }).returning<Array<{ id: string }>>('id');
  const generated = generateApiKey();
  await db('api_keys').insert({
    workspace_id: workspace!.id, name: 'bench', key_hash: generated.hash, key_prefix: generated.displayPrefix, scopes: ['events:publish'], created_by: 'bench',
  });
  return generated.key;
}

function workPerEvent(before: DatabaseWork, after: DatabaseWork, events: number): DatabaseWorkPerEvent | undefined {
  if (events === 0) return undefined;
  const per = (key: keyof DatabaseWork): number => round((after[key] - before[key]) / events, 2);
  return {
    commits: per('commits'), rollbacks: per('rollbacks'), rowsFetched: per('rowsFetched'),
    rowsInserted: per('rowsInserted'), rowsUpdated: per('rowsUpdated'), rowsDeleted: per('rowsDeleted'), messages: per('messages'),
  };
}

function loadFigures(result: FullSpeedResult): LoadFigures {
  const { accepted, ...figures } = result;
  return { ...figures, acceptedCount: accepted.size };
}

/** With --delivery-ordering the n-th webhook's subject is one of BENCH_ORDERING_SUBJECTS, round-robin; else one of its own. */
function benchSubject(ordered: boolean): ((n: number) => string) | undefined {
  return ordered ? (n) => `order/bench-${n % BENCH_ORDERING_SUBJECTS}` : undefined;
}

/** The n-th request of a full-speed phase. */
function signedWebhooks(secret: string, idPrefix: string, ordered: boolean): (n: number) => { body: string; headers: Record<string, string> } {
  const subject = benchSubject(ordered);
  return (n) => {
    const body = acmeBody(`${idPrefix}-${n}`, undefined, subject?.(n));
    return { body, headers: acmeHeaders(secret, body) };
  };
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const cleanup = new Cleanup();
  const { signal } = abortOnSignalsAndWatchdog(cleanup, options.watchdogS * 1000);
  const runId = randomBytes(4).toString('hex');
  const sampler = new Sampler();
  const results: BenchResults = {
    mode: options.mode,
    startedAt: new Date().toISOString(),
    note: 'Figures are from this machine, with everything (load generator, services, PostgreSQL, RabbitMQ) sharing its cores; '
      + 'other work on the machine lowers them: see machine.loadAverageAtStart and the "other work" CPU of each phase in cpu[].',
    machine: machineInfo(),
    options,
    limits: {},
    endToEnd: {},
    memory: {},
    cpu: sampler.phases,
    samples: sampler.samples,
    targets: [],
  };
  const profileDir = options.cpuProfile ? mkdtempSync(join(tmpdir(), 'hookway-bench-profiles-')) : undefined;
  let suite: Suite | undefined;
  let failed = false;
  log(`${options.mode} run ${runId} on ${results.machine.cpuCount} × ${results.machine.cpuModel}, load average ${results.machine.loadAverageAtStart.join(' ')}`);

  try {
    sampler.enter('limits: bare http');
    log(`machine limit: bare node:http for ${options.durations.bareHttpS} s`);
    results.limits.http = await bareHttpCeiling(cleanup, {
      connections: options.connections, durationS: options.durations.bareHttpS, signal, track: (name, pid) => sampler.track(name, pid),
    });

    sampler.enter('limits: postgres');
    log(`machine limit: PostgreSQL commits with ${options.postgresClients} clients for ${options.durations.postgresS} s`);
    results.limits.postgres = await postgresCeiling(cleanup, { clients: options.postgresClients, durationS: options.durations.postgresS, signal });

    sampler.enter('limits: rabbitmq');
    log(`machine limit: RabbitMQ publish + confirm for ${options.durations.rabbitS} s, then consume + ack`);
    results.limits.rabbitmq = await rabbitCeiling(cleanup, {
      prefix: `hwb-limits-${runId}`, durationS: options.durations.rabbitS, window: options.rabbitWindow, prefetch: 256, signal,
    });

    sampler.enter('startup');
    log('starting the receiver and the four services (NODE_ENV=production, built JavaScript)');
    const receiver = await Receiver.start(cleanup);
    if (receiver.pid !== undefined) sampler.track('receiver', receiver.pid);
    suite = await startSuite(cleanup, {
      receiverUrl: receiver.url, signal, ...(profileDir ? { profileDir } : {}), ...(options.deliveryFilter ? { filter: BENCH_DELIVERY_FILTER } : {}),
      ...(options.deliveryOrdering ? { ordering: 'subject' as const } : {}),
    });
    const running = suite;
    results.suite = {
      prefix: running.prefix,
      database: running.database.name,
      services: running.services.map(({ name, pid }) => ({ name, pid })),
      logDir: running.logDir,
    };
    for (const service of running.services) sampler.track(service.name, service.pid);
    sampler.watch(() => running.depth(), () => running.backends());

    sampler.enter('idle');
    await sleep(options.durations.idleS * 1000, signal);

    sampler.enter('ingress: full speed');
    log(`ingress at full speed for ${options.durations.ingressS} s`);
    const ingressWork = await running.databaseWork();
    const ingressStartedAt = now();
    const ingressLoad = await fullSpeed({
      url: running.ingressUrl, path: WEBHOOK_PATH, connections: options.connections, durationS: options.durations.ingressS,
      nextRequest: signedWebhooks(running.acmeSecret, `bench-${runId}-ingress`, options.deliveryOrdering), signal,
    });
    const ingressEndedAt = now();
    sampler.enter('ingress: settle');
    log(`checking that the ${ingressLoad.accepted.size} accepted events are stored and published`);
    const durability = await checkDurability(running.database.db, [...ingressLoad.accepted.keys()], options.settleLimitS, signal);
    sampler.enter('ingress: backlog');
    log('waiting for their deliveries');
    const ingressBacklog = await waitForBacklog(running, receiver, ingressLoad.accepted, options, signal);
    results.ingress = {
      load: loadFigures(ingressLoad), durability, backlog: ingressBacklog,
      databaseWorkPerEvent: workPerEvent(ingressWork, await running.databaseWork(), ingressLoad.accepted.size),
    };
    sampler.enter('publish: full speed');
    log(`publish API at full speed for ${options.durations.ingressS} s (a workspace key; nothing subscribes to provider api)`);
    const publishKey = await seedPublishKey(running.database.db);
    results.publish = await publishLoad({
      baseUrl: running.ingressUrl, key: publishKey, durationMs: options.durations.ingressS * 1000, connections: options.connections, signal,
    });
    sampler.enter('publish: backlog');
    // Their fan-outs (nothing subscribes), outbox marks and audit facts finish before the next phase, whose CPU
    // and latency they would cloud.
    await pollUntil(async () => {
      const [row] = await running.database.db('events').where({ status: 'pending' }).orWhereNull('published_at').count<{ count: number }[]>({ count: '*' });
      const depth = await running.depth();
      return Number(row?.count) === 0 && depth.events === 0 && depth.audit === 0;
    }, { limitMs: options.auditDrainLimitS * 1000, signal });
    const phases: Record<'ingress' | 'paced' | 'full', DeliveryPhase | undefined> = { ingress: undefined, paced: undefined, full: undefined };
    phases.ingress = {
      accepted: ingressLoad.accepted, loadStartedAt: ingressStartedAt, loadEndedAt: ingressEndedAt, backlogEndedAt: now(),
      sampledPhases: ['ingress: full speed', 'ingress: settle', 'ingress: backlog'],
    };

    sampler.enter('e2e: paced');
    log(`end to end at ${options.rate}/s for ${options.durations.pacedS} s`);
    const pacedWork = await running.databaseWork();
    const pacedStartedAt = now();
    const pacedLoad = await paced({
      url: running.ingressUrl, path: WEBHOOK_PATH, rate: options.rate, durationS: options.durations.pacedS,
      secret: running.acmeSecret, idPrefix: `bench-${runId}-paced`, signal,
      ...(options.deliveryOrdering ? { subject: benchSubject(true)! } : {}),
    });
    const pacedEndedAt = now();
    sampler.enter('e2e: paced drain');
    log(`waiting for ${pacedLoad.accepted.size} deliveries`);
    const pacedBacklog = await waitForBacklog(running, receiver, pacedLoad.accepted, options, signal);
    const pacedWorkPerEvent = workPerEvent(pacedWork, await running.databaseWork(), pacedLoad.accepted.size);
    phases.paced = {
      accepted: pacedLoad.accepted, loadStartedAt: pacedStartedAt, loadEndedAt: pacedEndedAt, backlogEndedAt: now(),
      sampledPhases: ['e2e: paced', 'e2e: paced drain'],
    };

    sampler.enter('e2e: full speed');
    log(`end to end at full speed for ${options.durations.fullSpeedS} s`);
    const fullWork = await running.databaseWork();
    const fullStartedAt = now();
    const fullLoad = await fullSpeed({
      url: running.ingressUrl, path: WEBHOOK_PATH, connections: options.connections, durationS: options.durations.fullSpeedS,
      nextRequest: signedWebhooks(running.acmeSecret, `bench-${runId}-full`, options.deliveryOrdering), signal,
    });
    const fullEndedAt = now();
    sampler.enter('e2e: full speed drain');
    log(`waiting for ${fullLoad.accepted.size} deliveries`);
    const fullBacklog = await waitForBacklog(running, receiver, fullLoad.accepted, options, signal);
    const fullWorkPerEvent = workPerEvent(fullWork, await running.databaseWork(), fullLoad.accepted.size);
    phases.full = {
      accepted: fullLoad.accepted, loadStartedAt: fullStartedAt, loadEndedAt: fullEndedAt, backlogEndedAt: now(),
      sampledPhases: ['e2e: full speed', 'e2e: full speed drain'],
    };

    // A phase whose backlog outlived its wait gets one more chance before anything is called lost.
    const everything = new Map([...ingressLoad.accepted, ...pacedLoad.accepted, ...fullLoad.accepted]);
    if (receiver.countArrived(everything.keys()) < everything.size) {
      sampler.enter('final drain');
      log('waiting for the deliveries still outstanding');
      await waitForBacklog(running, receiver, everything, { ...options, auditDrainLimitS: 0 }, signal);
    }

    results.ingressDeliveries = deliveryFigures(phases.ingress, receiver, sampler);
    const { accepted: pacedAccepted, ...pacedFigures } = pacedLoad;
    results.endToEnd.paced = {
      load: { ...pacedFigures, acceptedCount: pacedAccepted.size },
      deliveries: deliveryFigures(phases.paced, receiver, sampler),
      stages: await stageBreakdown(running.database.db, pacedAccepted, receiver.arrivals),
      backlog: pacedBacklog,
      ...(pacedWorkPerEvent ? { databaseWorkPerEvent: pacedWorkPerEvent } : {}),
    };
    results.endToEnd.fullSpeed = {
      load: loadFigures(fullLoad),
      deliveries: deliveryFigures(phases.full, receiver, sampler),
      backlog: fullBacklog,
      ...(fullWorkPerEvent ? { databaseWorkPerEvent: fullWorkPerEvent } : {}),
    };
    results.redeliveries = receiver.total - receiver.arrivals.size - receiver.withoutId;
  } catch (error) {
    failed = true;
    results.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log(`failed: ${results.error}`);
  } finally {
    sampler.enter('stopping');
    log('cleaning up');
    await cleanup.runAll();
    sampler.stop();
  }

  const loadPhases = new Set(results.cpu.map((phase) => phase.phase).filter((phase) => phase.startsWith('ingress') || phase.startsWith('e2e') || phase === 'final drain'));
  for (const service of results.suite?.services ?? []) {
    const rss = (inPhase: (phase: string) => boolean): number[] =>
      sampler.samples.flatMap((sample) => {
        const value = sample.rssMb[service.name];
        return value !== undefined && inPhase(sample.phase) ? [value] : [];
      });
    const idle = rss((phase) => phase === 'idle');
    const loaded = rss((phase) => loadPhases.has(phase));
    if (loaded.length > 0) results.memory[service.name] = { idleMb: round(Math.max(0, ...idle), 1), peakMb: round(Math.max(...loaded), 1) };
  }
  if (profileDir && results.suite) {
    results.profiles = summariseProfiles(profileDir, new Map(results.suite.services.map(({ name, pid }) => [pid, name])));
  }
  results.targets = checkTargets(results);
  results.finishedAt = new Date().toISOString();
  const file = writeResults(RESULTS_DIR, results);

  const load = results.machine.loadAverageAtStart[0] ?? 0;
  const busy = results.machine.cpuCount;
  process.stdout.write(
    `\n## Hookway benchmark (${options.mode}), ${results.startedAt}\n\n` +
      `${results.machine.cpuCount} × ${results.machine.cpuModel}, ${results.machine.totalMemoryGb} GB, node ${results.machine.node}; ` +
      `load average at start ${load}${load > busy / 4 ? ' (measured under load: other work shared the cores, see "other work" below)' : ''}.\n\n` +
      `${markdownTable(results)}\n\n### CPU seconds per phase (where the time went)\n\n${cpuTable(results)}\n\n` +
      (results.profiles ? `### CPU profiles (self time)\n\n${profileText(results.profiles)}\n\n` : '') +
      `Targets met: ${results.targets.filter((check) => check.met).length} of ${results.targets.length}. Results: ${file}\n`,
  );
  if (suite && !failed) removeLogs(suite);
  else if (suite) log(`service logs kept in ${suite.logDir}`);
  return failed ? 1 : 0;
}

process.exitCode = await main();
// Anything still holding the event loop open after the clean-up must not keep the run alive.
setTimeout(() => process.exit(), 5_000).unref();
