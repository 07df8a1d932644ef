import type { SqlSession } from './sql-session';
import {
  CREATE_STATS_TABLE_SQL,
  insertThresholdsSql,
  NIGHTLY_SLICE_SQL,
  valueParams,
} from './value-sql';
import type { ValueSettings } from './value-settings';

/** Session advisory lock of the computation for everyone: one at a time across workers. */
export const RECOMPUTE_LOCK = 727_501;

export type RecomputeTrigger = 'nightly' | 'manual';

export interface RecomputeOptions {
  now: Date;
  trigger: RecomputeTrigger;
  /** Customers (by id range) written per statement; each slice is its own short transaction. */
  sliceSize?: number;
  /**
   * Postgres `work_mem` for the job's own session (VALUE_TIERS_WORK_MEM): the join of order
   * lines to orders and the aggregate per customer stay in memory instead of spilling.
   */
  workMem?: string;
  log?: (line: string) => void;
}

export type RecomputeOutcome =
  | {
      status: 'completed';
      thresholdsId: string;
      /** Customers with at least one order: the cohort of the boundaries. */
      cohort: number;
      /** Customers written (those refreshed since the snapshot are left as they are). */
      updated: number;
      durationMs: number;
      phases: { statsMs: number; thresholdsMs: number; writeMs: number; vacuumMs: number };
    }
  | { status: 'skipped'; reason: string };

const RETRYABLE = new Set(['40001', '40P01']);
const DEFAULT_SLICE = 50_000;

/**
 * Value figures, RFM scores, segments and tiers for every customer, set-based:
 * 1. one statement computes every customer's figures into a temporary table (one snapshot
 *    of orders, items, cases and promotions for everyone);
 * 2. one statement derives the cohort's boundaries from it and stores them — committed at
 *    once, so refreshes on arrival score against them from then on;
 * 3. one UPDATE … FROM per slice of customer ids writes scores, segment and tier;
 * 4. VACUUM (ANALYZE) customers (see vacuumCustomers).
 * Slices, not one UPDATE of a million rows: each holds its row locks for a fraction of a
 * second, so ingestion and evaluation (which lock customers) never wait long behind the job,
 * and a deadlock costs one slice, retried. A customer refreshed after the snapshot (an order
 * arrived meanwhile) has fresher figures than the snapshot and is left alone.
 * `session` must be one connection (the temporary table lives in it), outside a transaction.
 */
export async function recomputeEveryone(
  session: SqlSession,
  settings: ValueSettings,
  options: RecomputeOptions,
): Promise<RecomputeOutcome> {
  const started = Date.now();
  const [{ locked }] = await session.query<{ locked: boolean }[]>(
    'SELECT pg_try_advisory_lock($1) AS locked',
    [RECOMPUTE_LOCK],
  );
  if (!locked) return { status: 'skipped', reason: 'another recompute is running' };
  try {
    if (options.workMem)
      await session.query(`SELECT set_config('work_mem', $1, false)`, [options.workMem]);
    // Costed over millions of rows, every statement (each slice too) would be JIT-compiled:
    // seconds of compiling for statements that run in less.
    await session.query('SET jit = off');
    await session.query('DROP TABLE IF EXISTS pg_temp.customer_value_stats');
    const [{ snapshot }] = await session.query<{ snapshot: Date }[]>(
      'SELECT clock_timestamp() AS snapshot',
    );
    const params = valueParams(options.now, settings);
    await session.query(CREATE_STATS_TABLE_SQL, params);
    await session.query('CREATE INDEX ON pg_temp.customer_value_stats (id)');
    // Autovacuum never analyzes temporary tables: without this the slices are planned blind.
    await session.query('ANALYZE pg_temp.customer_value_stats');
    const statsDone = Date.now();

    const [thresholds] = await session.query<{ id: string; customers: number }[]>(
      insertThresholdsSql('pg_temp.customer_value_stats'),
      [...params, options.trigger],
    );
    const [range] = await session.query<{ low: string | null; high: string | null }[]>(
      'SELECT min(id)::text AS low, max(id)::text AS high FROM pg_temp.customer_value_stats',
    );
    const thresholdsDone = Date.now();
    options.log?.(
      `value tiers: figures of every customer in ${thresholdsDone - started} ms, cohort ${thresholds.customers}`,
    );

    let updated = 0;
    if (range.low !== null && range.high !== null) {
      const slice = BigInt(options.sliceSize ?? DEFAULT_SLICE);
      for (let low = BigInt(range.low); low <= BigInt(range.high); low += slice) {
        const sliceParams = [
          options.now,
          thresholds.id,
          String(low),
          String(low + slice - 1n),
          snapshot,
        ];
        const [{ written }] = await withRetry(() =>
          session.query<{ written: number }[]>(NIGHTLY_SLICE_SQL, sliceParams),
        );
        updated += written;
      }
    }
    const writesDone = Date.now();
    await vacuumCustomers(session, options.log);
    const durationMs = Date.now() - started;
    await session.query(
      `UPDATE value_thresholds SET updated = $2, duration_ms = $3, finished_at = now() WHERE id = $1`,
      [thresholds.id, updated, durationMs],
    );
    return {
      status: 'completed',
      thresholdsId: thresholds.id,
      cohort: thresholds.customers,
      updated,
      durationMs,
      phases: {
        statsMs: statsDone - started,
        thresholdsMs: thresholdsDone - statsDone,
        writeMs: writesDone - thresholdsDone,
        vacuumMs: Date.now() - writesDone,
      },
    };
  } finally {
    // The connection goes back to a pool: leave it as it was.
    await session.query('DROP TABLE IF EXISTS pg_temp.customer_value_stats');
    await session.query('RESET work_mem');
    await session.query('RESET jit');
    await session.query('SELECT pg_advisory_unlock($1)', [RECOMPUTE_LOCK]);
  }
}

/**
 * The rewrite leaves a dead version of every customer row. Vacuumed now rather than when
 * autovacuum (throttled, a minute or more later) gets to it: index-only scans over customers
 * — the reports count customers by `first_order_at` that way — need the visibility map back
 * (on the benchmark the overview report took three times as long until then), and the space
 * freed on each page is where the next night's updates stay (HOT). ANALYZE too: tiers and
 * segments changed, and audience queries filter on them. Not fatal: autovacuum does it later.
 */
async function vacuumCustomers(session: SqlSession, log?: (line: string) => void) {
  try {
    await session.query('VACUUM (ANALYZE) customers');
  } catch (error) {
    log?.(`value tiers: VACUUM customers failed, left to autovacuum: ${(error as Error).message}`);
  }
}

async function withRetry<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code =
        (error as { code?: string }).code ??
        (error as { driverError?: { code?: string } }).driverError?.code;
      if (!code || !RETRYABLE.has(code) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}
