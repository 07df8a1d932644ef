import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyticsBench } from './analytics.bench';
import { deliveryBench } from './delivery.bench';
import { ingestionBench } from './ingestion.bench';
import { rulesEventsBench } from './rules-events.bench';
import { rulesRunBench } from './rules-run.bench';
import { schedulingBench } from './scheduling.bench';
import { buildApp } from './support/build';
import { contextFor, RunOptions } from './support/context';
import { measureCpu } from './support/cpu-usage';
import { Deferred } from './support/deferred';
import { stopAllLoads } from './support/load';
import { deleteQueueKeys } from './support/redis-keys';
import { Outcome, problemsOf, summaryTable, writeOutcome } from './support/report';
import { dropScratchDatabase, recreateScratchDatabase } from './support/scratch-db';
import { BenchSection } from './support/section';
import { formatNumber } from './support/table';

/**
 * `npm run bench`: builds the service once, then runs every section in order, each on a
 * freshly migrated scratch database and an empty Redis queue prefix of its own, and prints
 * one summary table. Results go to var/bench/<section>.json, service logs next to them.
 * Targets are reported, never enforced: the exit code is non-zero only when something broke
 * (an error, a rejected event, an answer other than the expected one).
 *
 * Environment, all optional:
 *   BENCH_SECTIONS=ingestion,…   run only these sections (`rules` runs every `rules-…` one)
 *   BENCH_DATABASE_URL           scratch database (default …/rm_bench; the name must start with rm_bench)
 *   BENCH_REDIS_URL              default redis://127.0.0.1:6379
 *   BENCH_QUEUE_PREFIX           default rmbench (must start with rmbench); its keys are deleted
 *   BENCH_CPU_PROF=1             run services under `node --cpu-prof` and print where their CPU went
 *   BENCH_ENV_<NAME>=<value>     give every service NAME=value, e.g. BENCH_ENV_DATABASE_POOL_SIZE=20
 *                                or BENCH_ENV_PGOPTIONS='-c synchronous_commit=off'
 *   BENCH_KEEP_DB=1              keep the scratch database afterwards
 *   BENCH_SKIP_BUILD=1           use dist/ as it is
 *   BENCH_ANALYTICS_CUSTOMERS=…  size of the analytics section's shop (default 1,000,000
 *   BENCH_ANALYTICS_ORDERS=…     customers and 10,000,000 orders)
 */
const SECTIONS: BenchSection[] = [
  ingestionBench,
  deliveryBench,
  schedulingBench,
  rulesEventsBench,
  rulesRunBench,
  analyticsBench,
];

const env = process.env;
const flag = (name: string) => env[name] === '1' || env[name] === 'true';
const ROOT = resolve(__dirname, '..', '..');

const options: RunOptions = {
  root: ROOT,
  outDir: join(ROOT, 'var', 'bench'),
  databaseUrl: env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/rm_bench',
  redisUrl: env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  queuePrefix: env.BENCH_QUEUE_PREFIX ?? 'rmbench',
  cpuProfile: flag('BENCH_CPU_PROF'),
  serviceOverrides: Object.fromEntries(
    Object.entries(env)
      .filter(([name, value]) => name.startsWith('BENCH_ENV_') && value !== undefined)
      .map(([name, value]) => [name.slice('BENCH_ENV_'.length), value!]),
  ),
};

/** Percent of the machine busy over one second, before anything of ours runs. */
async function backgroundLoad(): Promise<number | null> {
  const cpu = measureCpu();
  await new Promise((done) => setTimeout(done, 1000));
  return cpu().machinePercent;
}

async function runSection(section: BenchSection, deferred: Deferred): Promise<Outcome> {
  const ctx = contextFor(section, options, deferred);
  const started = Date.now();
  console.log(`\n=== ${section.title} ===`);
  const background = await backgroundLoad();
  if (background !== null && background > 15) {
    ctx.log(
      `WARNING: the machine was ${formatNumber(background)} % busy before the section started: ` +
        'something else is running, the figures will be noisy',
    );
  }
  try {
    // Registered first, so it runs last: after every service of the section has stopped.
    deferred.add(async () => {
      const deleted = await deleteQueueKeys(ctx.redisUrl, ctx.queuePrefix);
      ctx.log(`deleted ${formatNumber(deleted)} Redis key(s) under ${ctx.queuePrefix}:`);
      if (!flag('BENCH_KEEP_DB')) await dropScratchDatabase(ctx.databaseUrl);
    });
    await recreateScratchDatabase(ctx.databaseUrl, ctx.log);
    await deleteQueueKeys(ctx.redisUrl, ctx.queuePrefix);
    const result = await section.run(ctx);
    return { section, result, durationMs: Date.now() - started, background };
  } catch (error) {
    if (deferred.closed) ctx.log(`interrupted (${(error as Error).message})`);
    else console.error(`[${section.name}] FAILED:`, error);
    return { section, error: error as Error, durationMs: Date.now() - started, background };
  } finally {
    await deferred.runAll();
  }
}

async function main(): Promise<number> {
  const wanted = env.BENCH_SECTIONS?.split(',').map((name) => name.trim());
  // A name also selects its family: `rules` runs `rules-events` and `rules-run`.
  const sections = SECTIONS.filter(
    (section) =>
      !wanted ||
      wanted.some((name) => section.name === name || section.name.startsWith(`${name}-`)),
  );
  if (sections.length === 0) throw new Error(`no section named ${env.BENCH_SECTIONS}`);
  if (!/^rmbench/.test(options.queuePrefix)) {
    throw new Error(`BENCH_QUEUE_PREFIX must start with rmbench, not "${options.queuePrefix}"`);
  }
  mkdirSync(options.outDir, { recursive: true });

  if (!flag('BENCH_SKIP_BUILD')) {
    console.log('[bench] building the service (npx nest build)…');
    console.log(`[bench] built in ${formatNumber(buildApp(ROOT) / 1000, 1)} s`);
  }

  const deferred = new Deferred();
  let interrupted: Promise<void> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    console.error(`[bench] ${signal}: cleaning up…`);
    stopAllLoads(signal);
    interrupted = deferred.close();
    void interrupted.finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const outcomes: Outcome[] = [];
  for (const section of sections) {
    if (deferred.closed) break;
    const outcome = await runSection(section, deferred);
    outcomes.push(outcome);
    writeOutcome(join(options.outDir, `${section.name}.json`), outcome);
  }

  if (interrupted) {
    await interrupted;
    return 130;
  }
  console.log(`\n=== Summary ===\n\n${summaryTable(outcomes)}`);
  console.log(`\nResults: ${outcomes.map((o) => `var/bench/${o.section.name}.json`).join(', ')}`);
  const problems = problemsOf(outcomes);
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
