import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { overviewReport } from '../../src/analytics/reports/overview.report';
import { inReportSnapshot } from '../../src/analytics/reports/report-snapshot';
import { recomputeEveryone } from '../../src/analytics/value/recompute-everyone';
import { pgSession } from '../../src/analytics/value/sql-session';
import { valueTiersReport } from '../../src/analytics/value/value-tiers-report';
import type { ValueSettings } from '../../src/analytics/value/value-settings';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { DatasetCounts, generateDataset } from './support/analytics-dataset';
import { describeActivity, sampleActivity } from './support/pg-activity';
import { BenchContext, BenchSection, Figure, SectionResult } from './support/section';
import { formatNumber } from './support/table';

/**
 * Analytics over a big shop: the nightly value-tier job (figures, RFM, tiers for everyone,
 * set-based) and the overview report, on 1,000,000 customers and 10,000,000 orders generated
 * in the scratch database. Each is printed with the time of a plain `SELECT count(*) FROM
 * orders` measured in the same run, as the ratio's base: a figure of this machine's disk,
 * memory and Postgres settings that the job and the report cannot beat by much.
 *
 * BENCH_ANALYTICS_CUSTOMERS / BENCH_ANALYTICS_ORDERS scale it down (say 100000 / 1000000).
 */
const env = process.env;
const SIZE = {
  customers: Number(env.BENCH_ANALYTICS_CUSTOMERS ?? 1_000_000),
  orders: Number(env.BENCH_ANALYTICS_ORDERS ?? 10_000_000),
};

/** The defaults of the configuration (DEFAULT_MARGIN, COST_PER_CASE, …). */
const SETTINGS: ValueSettings = {
  defaultMargin: 0.3,
  costPerCase: 15,
  costPerReturn: 10,
  lifespanYears: 3,
};

const TARGETS = {
  jobMs: { op: '<', value: 60_000 },
  reportMs: { op: '<', value: 2_000 },
} as const;

/** VALUE_TIERS_WORK_MEM's default. */
const WORK_MEM = '256MB';

/** Runs of count(*) and of the report; the median is the figure. */
const REPEAT = 3;
const DAY_MS = 86_400_000;

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function time<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await work();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}

async function countOrders(client: Client, ctx: BenchContext) {
  const runs: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const { ms, value } = await time(() =>
      client.query<{ n: string }>('SELECT count(*) AS n FROM orders'),
    );
    runs.push(ms);
    if (i === 0) ctx.log(`count(*) over orders: ${formatNumber(Number(value.rows[0].n))} rows`);
  }
  ctx.log(`count(*) over orders: ${runs.map((ms) => `${formatNumber(ms)} ms`).join(', ')}`);
  return { runs, ms: median(runs) };
}

async function nightlyJob(ctx: BenchContext, run: number) {
  // A connection of its own, as the worker's job has (the temporary table lives in it).
  const client = new Client({ connectionString: ctx.databaseUrl });
  await client.connect();
  const sampler = await sampleActivity(ctx.databaseUrl);
  try {
    const { ms, value } = await time(() =>
      recomputeEveryone(pgSession(client), SETTINGS, {
        now: new Date(),
        trigger: 'nightly',
        workMem: WORK_MEM,
        log: (line) => ctx.log(`  ${line}`),
      }),
    );
    const activity = (await sampler.stop()).shares;
    if (value.status !== 'completed') throw new Error(`nightly job ${run}: ${value.reason}`);
    ctx.log(
      `nightly job (run ${run}): ${formatNumber(ms / 1000, 1)} s — figures ${formatNumber(value.phases.statsMs / 1000, 1)} s, ` +
        `boundaries ${formatNumber(value.phases.thresholdsMs / 1000, 1)} s, writes ${formatNumber(value.phases.writeMs / 1000, 1)} s, ` +
        `VACUUM (ANALYZE) customers ${formatNumber(value.phases.vacuumMs / 1000, 1)} s; ` +
        `${formatNumber(value.updated)} customers written, cohort ${formatNumber(value.cohort)}`,
    );
    ctx.log(
      `nightly job (run ${run}) Postgres sessions (average count): ${describeActivity(activity)}`,
    );
    return { ms, outcome: value };
  } catch (error) {
    await sampler.stop().catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/** As `GET /v1/reports/overview` runs it: one read-only snapshot (see inReportSnapshot). */
async function overview(db: DataSource, ctx: BenchContext, days: number) {
  const to = new Date();
  const period = { from: new Date(to.getTime() - days * DAY_MS), to };
  const runs: number[] = [];
  let last: Awaited<ReturnType<typeof overviewReport>> | undefined;
  for (let i = 0; i < REPEAT; i++) {
    const { ms, value } = await time(() => inReportSnapshot(db, (q) => overviewReport(q, period)));
    runs.push(ms);
    last = value;
  }
  ctx.log(
    `overview report, last ${days} days: ${runs.map((ms) => `${formatNumber(ms)} ms`).join(', ')} ` +
      `(orders ${formatNumber(last!.orders.orders)}, customers ${formatNumber(last!.orders.customers)})`,
  );
  return { runs, ms: median(runs), report: last! };
}

async function run(ctx: BenchContext): Promise<SectionResult> {
  const problems: string[] = [];
  const client = new Client({ connectionString: ctx.databaseUrl });
  await client.connect();
  try {
    ctx.log(
      `generating ${formatNumber(SIZE.customers)} customers and ${formatNumber(SIZE.orders)} orders (set-based, in Postgres)…`,
    );
    const generation = await time(() => generateDataset(client, SIZE, (line) => ctx.log(line)));
    const counts: DatasetCounts = generation.value;
    ctx.log(
      `dataset in ${formatNumber(generation.ms / 1000, 1)} s: ${Object.entries(counts)
        .map(([key, n]) => `${key} ${formatNumber(n)}`)
        .join(', ')}`,
    );
    if (counts.orders !== SIZE.orders) problems.push(`${counts.orders} orders, not ${SIZE.orders}`);

    const base = await countOrders(client, ctx);
    const first = await nightlyJob(ctx, 1);
    // The second run is the steady state: the first found every value column empty; the
    // second overwrites them in the space the first run's VACUUM freed (HOT updates).
    const second = await nightlyJob(ctx, 2);
    if (second.outcome.updated !== counts.customers)
      problems.push(`the job wrote ${second.outcome.updated} customers of ${counts.customers}`);
    const tiers = await time(() => valueTiersReport(pgSession(client)));
    ctx.log(
      `value tiers (GET /v1/analytics/value-tiers in ${formatNumber(tiers.ms)} ms): ${JSON.stringify(tiers.value.tiers)}; ` +
        `segments ${JSON.stringify(tiers.value.segments)}`,
    );
    if (tiers.value.tiers.notComputed !== 0)
      problems.push(`${tiers.value.tiers.notComputed} customers without a tier after the job`);

    const db = new DataSource(dataSourceOptions(ctx.databaseUrl, 2));
    await db.initialize();
    const [month, year] = await (async () => {
      try {
        return [await overview(db, ctx, 30), await overview(db, ctx, 365)];
      } finally {
        await db.destroy();
      }
    })();
    const baseAfter = await countOrders(client, ctx);

    const ratio = (ms: number) => ms / base.ms;
    const figures: Figure[] = [
      {
        key: 'datasetSeconds',
        label: 'dataset generation (not a target)',
        value: generation.ms / 1000,
        unit: 's',
        digits: 1,
      },
      {
        key: 'countOrdersMs',
        label: 'SELECT count(*) FROM orders (the base)',
        value: base.ms,
        unit: 'ms',
      },
      {
        key: 'nightlyJobMs',
        label: 'nightly value-tier job (steady state: second run)',
        value: second.ms,
        unit: 'ms',
        target: TARGETS.jobMs,
      },
      {
        key: 'nightlyJobRatio',
        label: 'nightly job ÷ count(*)',
        value: ratio(second.ms),
        unit: '×',
        digits: 1,
      },
      {
        key: 'nightlyJobFirstMs',
        label: 'nightly value-tier job (first run: no values yet)',
        value: first.ms,
        unit: 'ms',
        target: TARGETS.jobMs,
      },
      {
        key: 'nightlyJobFirstRatio',
        label: 'first run ÷ count(*)',
        value: ratio(first.ms),
        unit: '×',
        digits: 1,
      },
      {
        key: 'overviewMs',
        label: 'overview report, 30 days (median of 3)',
        value: month.ms,
        unit: 'ms',
        target: TARGETS.reportMs,
      },
      {
        key: 'overviewRatio',
        label: 'overview report ÷ count(*)',
        value: ratio(month.ms),
        unit: '×',
        digits: 1,
      },
      {
        key: 'overviewYearMs',
        label: 'overview report, 365 days (median of 3)',
        value: year.ms,
        unit: 'ms',
      },
      { key: 'valueTiersReportMs', label: 'value-tier distribution', value: tiers.ms, unit: 'ms' },
    ];
    return {
      figures,
      problems,
      details: {
        size: SIZE,
        counts,
        countOrdersMs: { before: base.runs, after: baseAfter.runs },
        nightly: [first, second].map(({ ms, outcome }) => ({ ms, ...outcome })),
        overview: { days30: month.runs, days365: year.runs },
        tiers: tiers.value,
      },
    };
  } finally {
    await client.end();
  }
}

export const analyticsBench: BenchSection = {
  name: 'analytics',
  title: `Analytics: nightly value tiers and the overview report over ${formatNumber(SIZE.customers)} customers and ${formatNumber(SIZE.orders)} orders`,
  run,
};
