import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { ingestionBench } from './ingestion.bench';
import { buildApp } from './support/build';
import { measureCpu } from './support/cpu-usage';
import { newestProfile, summarizeProfile } from './support/cpu-profile';
import { deleteQueueKeys } from './support/redis-keys';
import { dropScratchDatabase, recreateScratchDatabase } from './support/scratch-db';
import {
  BenchContext,
  BenchSection,
  describeTarget,
  Figure,
  meetsTarget,
  SectionResult,
  StartServiceOptions,
} from './support/section';
import { freePort, RunningService, startService } from './support/service';
import { formatNumber, formatTable } from './support/table';

/**
 * `npm run bench`: builds the service once, prepares a scratch database and a Redis queue
 * prefix of its own, runs every section in order and prints one summary table. Results go
 * to var/bench/<section>.json. Targets are reported, never enforced: the exit code is
 * non-zero only when something broke (an error, a rejected event).
 *
 * Environment (all optional): BENCH_DATABASE_URL (default …/rm_bench; the name must start
 * with rm_bench), BENCH_REDIS_URL, BENCH_QUEUE_PREFIX (must start with rmbench),
 * BENCH_SECTIONS (comma-separated names), BENCH_CPU_PROF=1 (profile the service and print
 * where its CPU went), BENCH_KEEP_DB=1 (keep the scratch database afterwards), BENCH_SKIP_BUILD=1,
 * and BENCH_ENV_<NAME>=<value> to give the service NAME=value (BENCH_ENV_DATABASE_POOL_SIZE=20
 * compares a pool size; BENCH_ENV_PGOPTIONS='-c synchronous_commit=off' a Postgres setting).
 */
const SECTIONS: BenchSection[] = [ingestionBench];

const ROOT = resolve(__dirname, '..', '..');
const OUT_DIR = join(ROOT, 'var', 'bench');

interface Outcome {
  section: BenchSection;
  result?: SectionResult;
  error?: Error;
  durationMs: number;
  /** How busy the machine was (percent) just before the section: other work skews figures. */
  background: number | null;
}

const env = process.env;
const flag = (name: string) => env[name] === '1' || env[name] === 'true';
const SERVICE_ENV_PREFIX = 'BENCH_ENV_';
/** Service settings to try without editing the benchmark (BENCH_ENV_NAME=value). */
const serviceOverrides: Record<string, string> = Object.fromEntries(
  Object.entries(env)
    .filter(([name, value]) => name.startsWith(SERVICE_ENV_PREFIX) && value !== undefined)
    .map(([name, value]) => [name.slice(SERVICE_ENV_PREFIX.length), value!]),
);

function log(line: string) {
  console.log(`[bench] ${line}`);
}

/** Clean-up actions, run last-in first-out at the end, also after an error or Ctrl-C. */
class Deferred {
  private readonly actions: (() => Promise<unknown> | void)[] = [];
  add(action: () => Promise<unknown> | void) {
    this.actions.push(action);
  }
  async runAll() {
    while (this.actions.length > 0) {
      const action = this.actions.pop()!;
      try {
        await action();
      } catch (error) {
        console.error(`[bench] clean-up failed: ${(error as Error).message}`);
      }
    }
  }
}

function printProfile(file: string, say: (line: string) => void) {
  const summary = summarizeProfile(file);
  const rows = (shares: { name: string; percent: number }[]) =>
    shares.map((share) => [share.name, `${formatNumber(share.percent, 1)} %`]);
  say(
    `CPU profile ${file} (${formatNumber(summary.busyPercent)} % of samples busy; shares of busy time):`,
  );
  for (const [title, shares] of [
    ['self time by area', summary.selfByArea],
    ['time with the area on the stack', summary.inclusiveByArea],
    ['self time by function', summary.selfByFunction],
  ] as const) {
    console.log(`\n${formatTable([title, 'share'], rows(shares))}\n`);
  }
}

function contextFor(section: BenchSection, deferred: Deferred): BenchContext {
  const databaseUrl = env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/rm_bench';
  const redisUrl = env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const queuePrefix = env.BENCH_QUEUE_PREFIX ?? 'rmbench';
  const adminApiKey = randomBytes(24).toString('hex');
  const cpuProfile = flag('BENCH_CPU_PROF');
  const say = (line: string) => console.log(`[${section.name}] ${line}`);

  const start = async (options: StartServiceOptions): Promise<RunningService> => {
    const profileDir = join(OUT_DIR, 'profiles', options.name);
    if (cpuProfile) {
      rmSync(profileDir, { recursive: true, force: true });
      mkdirSync(profileDir, { recursive: true });
    }
    const service = await startService({
      root: ROOT,
      role: options.role,
      logFile: join(OUT_DIR, `${options.name}.log`),
      nodeArgs: cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
      env: {
        NODE_ENV: 'production',
        COMPANY_NAME: 'Bench Co',
        COMPANY_POSTAL_ADDRESS: '1 Bench Street, 75001 Paris',
        DATABASE_URL: databaseUrl,
        REDIS_URL: redisUrl,
        QUEUE_PREFIX: queuePrefix,
        PORT: String(await freePort()),
        ADMIN_API_KEY: adminApiKey,
        LOG_LEVEL: 'warn',
        ...options.env,
        ...serviceOverrides,
      },
    });
    const overrides = Object.entries(serviceOverrides).map(([name, value]) => `${name}=${value}`);
    say(
      `started ${options.name} (APP_ROLE=${options.role}, pid ${service.pid}) ${service.baseUrl}` +
        (overrides.length ? ` with ${overrides.join(' ')}` : ''),
    );
    let stopped = false;
    const stop = async (graceMs?: number) => {
      if (stopped) return;
      stopped = true;
      await service.stop(graceMs);
      const profile = cpuProfile ? newestProfile(profileDir) : undefined;
      if (profile) printProfile(profile, say);
    };
    deferred.add(stop);
    return { ...service, stop };
  };

  return {
    root: ROOT,
    outDir: OUT_DIR,
    databaseUrl,
    redisUrl,
    queuePrefix,
    adminApiKey,
    cpuProfile,
    log: say,
    startService: start,
    defer: (action) => deferred.add(action),
  };
}

function summaryRows(outcomes: Outcome[]): string[][] {
  const rows: string[][] = [];
  for (const { section, result, error } of outcomes) {
    if (error || !result) {
      rows.push([section.name, 'FAILED', '', '', error?.message.split('\n')[0] ?? '']);
      continue;
    }
    for (const figure of result.figures) {
      const verdict = meetsTarget(figure);
      rows.push([
        section.name,
        figure.label,
        `${formatNumber(figure.value, figure.digits ?? 0)}${figure.unit ? ` ${figure.unit}` : ''}`,
        describeTarget(figure.target, figure.unit),
        verdict === undefined ? '' : verdict ? 'pass' : 'MISS',
      ]);
    }
  }
  return rows;
}

function figuresJson(figures: Figure[]) {
  return Object.fromEntries(
    figures.map((figure) => [
      figure.key,
      {
        label: figure.label,
        value: figure.value,
        unit: figure.unit,
        ...(figure.target ? { target: figure.target, pass: meetsTarget(figure) } : {}),
      },
    ]),
  );
}

/** Percent of the machine busy over one second, before anything of ours runs. */
async function backgroundLoad(): Promise<number | null> {
  const cpu = measureCpu();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return cpu().machinePercent;
}

function writeResult(outcome: Outcome) {
  const { section, result, error } = outcome;
  const json = {
    section: section.name,
    title: section.title,
    finishedAt: new Date().toISOString(),
    durationMs: outcome.durationMs,
    machine: { node: process.version, cpus: cpus().length, busyBeforePercent: outcome.background },
    ok: !error && result!.problems.length === 0,
    error: error?.message,
    figures: result ? figuresJson(result.figures) : {},
    problems: result?.problems ?? [],
    details: result?.details ?? {},
  };
  writeFileSync(join(OUT_DIR, `${section.name}.json`), `${JSON.stringify(json, null, 2)}\n`);
}

async function main(): Promise<number> {
  const wanted = env.BENCH_SECTIONS?.split(',').map((name) => name.trim());
  const sections = SECTIONS.filter((section) => !wanted || wanted.includes(section.name));
  if (sections.length === 0) throw new Error(`no section named ${env.BENCH_SECTIONS}`);
  mkdirSync(OUT_DIR, { recursive: true });

  if (!flag('BENCH_SKIP_BUILD')) {
    log('building the service (npx nest build)…');
    log(`built in ${formatNumber(buildApp(ROOT) / 1000, 1)} s`);
  }

  const outcomes: Outcome[] = [];
  const deferred = new Deferred();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    console.error(`[bench] ${signal}: cleaning up…`);
    void deferred.runAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    for (const section of sections) {
      const ctx = contextFor(section, deferred);
      const started = Date.now();
      console.log(`\n=== ${section.title} ===`);
      const background = await backgroundLoad();
      if (background !== null && background > 15) {
        ctx.log(
          `WARNING: the machine was ${formatNumber(background)} % busy before the section started; ` +
            'something else is running and the figures will be noisy',
        );
      }
      try {
        if (!/^rmbench/.test(ctx.queuePrefix)) {
          throw new Error(`BENCH_QUEUE_PREFIX must start with rmbench, not "${ctx.queuePrefix}"`);
        }
        // Registered first, so it runs last: after every service of the section has stopped.
        deferred.add(async () => {
          const deleted = await deleteQueueKeys(ctx.redisUrl, ctx.queuePrefix);
          ctx.log(`deleted ${formatNumber(deleted)} Redis key(s) under ${ctx.queuePrefix}:`);
          if (!flag('BENCH_KEEP_DB')) await dropScratchDatabase(ctx.databaseUrl);
        });
        // Every section starts from an empty database and an empty queue prefix.
        await recreateScratchDatabase(ctx.databaseUrl, ctx.log);
        await deleteQueueKeys(ctx.redisUrl, ctx.queuePrefix);
        const result = await section.run(ctx);
        outcomes.push({ section, result, durationMs: Date.now() - started, background });
      } catch (error) {
        console.error(`[${section.name}] FAILED:`, error);
        outcomes.push({
          section,
          error: error as Error,
          durationMs: Date.now() - started,
          background,
        });
      } finally {
        await deferred.runAll();
      }
      writeResult(outcomes[outcomes.length - 1]);
    }
  } finally {
    await deferred.runAll();
  }

  console.log(`\n=== Summary ===\n`);
  console.log(
    formatTable(['section', 'figure', 'value', 'target', 'result'], summaryRows(outcomes)),
  );
  console.log(
    `\nResults: ${outcomes.map((o) => join('var', 'bench', `${o.section.name}.json`)).join(', ')}`,
  );

  const problems = outcomes.flatMap(({ section, result, error }) =>
    error
      ? [`${section.name}: ${error.message}`]
      : result!.problems.map((p) => `${section.name}: ${p}`),
  );
  if (problems.length > 0) {
    console.error(`\n!!! ${problems.length} PROBLEM(S): the figures above are not trustworthy !!!`);
    for (const problem of problems) console.error(`  - ${problem}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error('[bench] failed:', error);
    process.exit(1);
  },
);
