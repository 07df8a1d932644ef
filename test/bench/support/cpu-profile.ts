import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatTable } from './table';

/** Summaries of a V8 `.cpuprofile` (what `node --cpu-prof` writes) for the terminal. */

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
}

export interface ProfileShare {
  name: string;
  /** Percent of busy samples (idle excluded). */
  percent: number;
}

export interface ProfileSummary {
  file: string;
  busyPercent: number;
  /** Self time by area: a package, a folder of our build, node internals, GC. */
  selfByArea: ProfileShare[];
  /** Time with the area anywhere on the stack. */
  inclusiveByArea: ProfileShare[];
  selfByFunction: ProfileShare[];
}

/** The newest `.cpuprofile` in a directory, if any. */
export function newestProfile(dir: string): string | undefined {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.cpuprofile'))
      .map((name) => join(dir, name))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  } catch {
    return undefined;
  }
}

function areaOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url)
    return functionName.startsWith('(') ? functionName : `(native) ${functionName || 'anonymous'}`;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.startsWith('node:')) return 'node internals';
  const dist = url.indexOf('/dist/');
  if (dist >= 0) {
    const path = url.slice(dist + '/dist/'.length).split('/');
    return `app ${path.length > 1 ? `${path.slice(0, -1).join('/')}/` : path[0]}`;
  }
  return url;
}

const top = (totals: Map<string, number>, busy: number, count: number): ProfileShare[] =>
  [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, hits]) => ({ name, percent: (100 * hits) / busy }));

export function summarizeProfile(file: string, count = 12): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);

  let total = 0;
  let idle = 0;
  const selfByArea = new Map<string, number>();
  const inclusiveByArea = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    total += hits;
    const frame = node.callFrame;
    if (frame.functionName === '(idle)') {
      idle += hits;
      continue;
    }
    const area = areaOf(frame);
    selfByArea.set(area, (selfByArea.get(area) ?? 0) + hits);
    const where = frame.url
      ? ` ${frame.url.replace(/^.*\/(node_modules|dist)\//, '')}:${frame.lineNumber + 1}`
      : '';
    const fn = `${frame.functionName || '(anonymous)'}${where}`;
    selfByFunction.set(fn, (selfByFunction.get(fn) ?? 0) + hits);
    const onStack = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const ancestor = byId.get(id);
      if (ancestor && ancestor.callFrame.functionName !== '(root)')
        onStack.add(areaOf(ancestor.callFrame));
    }
    for (const name of onStack) inclusiveByArea.set(name, (inclusiveByArea.get(name) ?? 0) + hits);
  }
  const busy = Math.max(1, total - idle);
  return {
    file,
    busyPercent: total ? (100 * (total - idle)) / total : 0,
    selfByArea: top(selfByArea, busy, count),
    inclusiveByArea: top(inclusiveByArea, busy, count),
    selfByFunction: top(selfByFunction, busy, count),
  };
}

/** The summary as text tables for the terminal. */
export function formatProfile(file: string): string {
  const summary = summarizeProfile(file);
  const rows = (shares: ProfileShare[]) =>
    shares.map((share) => [share.name, `${share.percent.toFixed(1)} %`]);
  return [
    `CPU profile ${file}: ${summary.busyPercent.toFixed(0)} % of samples busy; shares of busy time:`,
    ...(
      [
        ['self time by area', summary.selfByArea],
        ['time with the area on the stack', summary.inclusiveByArea],
        ['self time by function', summary.selfByFunction],
      ] as const
    ).map(([title, shares]) => `\n${formatTable([title, 'share'], rows(shares))}`),
    '',
  ].join('\n');
}
