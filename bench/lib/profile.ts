// Summarises the V8 CPU profiles that `--cpu-prof` writes when a service exits: where its CPU went,
// by package (a node_modules dependency, our own code, node internals, GC) and by function.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { round } from './stats.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

export interface HotSpot {
  name: string;
  selfMs: number;
  /** Share of the busy (non-idle) samples. */
  percent: number;
}

export interface ProfileSummary {
  file: string;
  busyMs: number;
  /** Self time by the package of the frame itself. */
  byPackage: HotSpot[];
  /** Self time with node internals and native frames (socket/file writes, crypto) charged to the package that called them. */
  byCallingPackage: HotSpot[];
  byFunction: HotSpot[];
}

const IDLE = new Set(['(idle)']);

function packageOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const modules = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules?.[1]) return modules[1];
  if (url.startsWith('node:')) return 'node internals';
  const ours = /\/(libs|services)\/([^/]+)\//.exec(url);
  return ours ? `hookway ${ours[1]}/${ours[2]}` : url;
}

const isOurs = (url: string): boolean => url.includes('node_modules/') || /\/(libs|services)\//.test(url);

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const ours = /\/((?:libs|services)\/.*)$/.exec(url);
  return ours?.[1] ?? url.replace(/^file:\/\//, '');
}

export function summariseProfile(file: string, limit = 12): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const totalHits = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  const msPerHit = totalHits > 0 ? (profile.endTime - profile.startTime) / 1000 / totalHits : 0;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const callingPackage = (node: ProfileNode): string => {
    if (node.callFrame.url === '' && node.callFrame.functionName.startsWith('(')) return node.callFrame.functionName;
    for (let current: ProfileNode | undefined = node; current; current = byId.get(parentOf.get(current.id) ?? -1)) {
      if (isOurs(current.callFrame.url)) return packageOf(current.callFrame.url, current.callFrame.functionName);
    }
    return 'node internals (no package on the stack)';
  };
  const byPackage = new Map<string, number>();
  const byCallingPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busyHits = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (hits === 0 || IDLE.has(functionName)) continue;
    busyHits += hits;
    const pkg = packageOf(url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + hits);
    const caller = callingPackage(node);
    byCallingPackage.set(caller, (byCallingPackage.get(caller) ?? 0) + hits);
    const name = url === '' ? functionName : `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + hits);
  }
  const top = (entries: Map<string, number>): HotSpot[] =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, hits]) => ({ name, selfMs: round(hits * msPerHit, 0), percent: busyHits > 0 ? round((100 * hits) / busyHits, 1) : 0 }));
  return {
    file,
    busyMs: round(busyHits * msPerHit, 0),
    byPackage: top(byPackage),
    byCallingPackage: top(byCallingPackage),
    byFunction: top(byFunction),
  };
}

/** The profile each service process wrote (file names carry the pid). */
export function summariseProfiles(directory: string, pids: ReadonlyMap<number, string>): Record<string, ProfileSummary> {
  const summaries: Record<string, ProfileSummary> = {};
  const files = existsSync(directory) ? readdirSync(directory).filter((name) => name.endsWith('.cpuprofile')) : [];
  for (const name of files) {
    const pid = Number(/^CPU\.\d+\.\d+\.(\d+)\./.exec(name)?.[1]);
    const service = pids.get(pid);
    if (service) summaries[service] = summariseProfile(join(directory, name));
  }
  return summaries;
}

export function profileText(summaries: Record<string, ProfileSummary>): string {
  return Object.entries(summaries)
    .map(([service, summary]) => [
      `#### ${service}: ${round(summary.busyMs / 1000, 1)} s busy (${summary.file})`,
      '',
      '| by package (node/native work charged to its caller) | self | share | | by function | self | share |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...Array.from({ length: Math.max(summary.byCallingPackage.length, summary.byFunction.length) }, (_, i) => {
        const pkg = summary.byCallingPackage[i];
        const fn = summary.byFunction[i];
        return `| ${pkg?.name ?? ''} | ${pkg ? `${pkg.selfMs} ms` : ''} | ${pkg ? `${pkg.percent}%` : ''} | | ${fn?.name.replaceAll('|', '\\|') ?? ''} | ${fn ? `${fn.selfMs} ms` : ''} | ${fn ? `${fn.percent}%` : ''} |`;
      }),
    ].join('\n'))
    .join('\n\n');
}
