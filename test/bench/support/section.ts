import type { RunningService, ServiceRole } from './service';

/** A target a figure is judged against: it reports, it never fails the run. */
export interface Target {
  op: '>=' | '<=' | '<' | '>';
  value: number;
}

export interface Figure {
  /** Stable key for the JSON output. */
  key: string;
  label: string;
  value: number | null;
  unit: string;
  digits?: number;
  target?: Target;
}

export interface SectionResult {
  figures: Figure[];
  /** Things that broke (errors, rejected events): any of these makes the run exit non-zero. */
  problems: string[];
  /** Anything else worth keeping in the JSON file (settings, counts). */
  details?: Record<string, unknown>;
}

export interface StartServiceOptions {
  role: ServiceRole;
  /** Extra environment for the service (on top of database, Redis, port, keys). */
  env?: Record<string, string>;
  /** Name used for the log file, var/bench/<name>.log. */
  name: string;
}

/** What the runner gives every section. */
export interface BenchContext {
  root: string;
  /** var/bench: logs, JSON results, CPU profiles. */
  outDir: string;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  adminApiKey: string;
  /** Run the service under `node --cpu-prof` (BENCH_CPU_PROF=1). */
  cpuProfile: boolean;
  log: (line: string) => void;
  /** Starts `dist/main.js` or `dist/worker.js`; the runner stops it if the section does not. */
  startService: (options: StartServiceOptions) => Promise<RunningService>;
  /** Registers clean-up that runs at the end of the whole run, also on error (last in, first out). */
  defer: (cleanup: () => Promise<unknown> | void) => void;
}

export interface BenchSection {
  name: string;
  title: string;
  run: (ctx: BenchContext) => Promise<SectionResult>;
}

export function describeTarget(target: Target | undefined, unit: string): string {
  return target ? `${target.op} ${target.value.toLocaleString('en-US')} ${unit}` : '';
}

/** undefined when the figure has no target or no value. */
export function meetsTarget(figure: Figure): boolean | undefined {
  const { target, value } = figure;
  if (!target || value === null || Number.isNaN(value)) return undefined;
  switch (target.op) {
    case '>=':
      return value >= target.value;
    case '<=':
      return value <= target.value;
    case '<':
      return value < target.value;
    case '>':
      return value > target.value;
  }
}
