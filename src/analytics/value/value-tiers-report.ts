import { RFM_SEGMENTS, RfmSegment } from './rfm';
import type { SqlSession } from './sql-session';
import { VALUE_TIERS, ValueTier } from './value-tier';

export interface ValueTiersReport {
  /** Customers per tier; `notComputed`: never computed yet (new since the last run, no event since). */
  tiers: Record<ValueTier | 'notComputed', number>;
  /** Customers per segment; `noOrders`: computed, but without orders there is no segment. */
  segments: Record<RfmSegment | 'noOrders' | 'notComputed', number>;
  /** The boundaries refreshes score against now: those of the latest computation for everyone. */
  thresholds: {
    computedAt: Date;
    trigger: string;
    cohort: number;
    recencyDays: number[] | null;
    frequency: number[] | null;
    monetary: number[] | null;
    clv: { high: number | null; medium: number | null };
  } | null;
  /** The latest computation for everyone that finished (nightly or manual). */
  lastRun: {
    trigger: string;
    computedAt: Date;
    finishedAt: Date;
    durationMs: number;
    cohort: number;
    updated: number;
  } | null;
}

interface ThresholdsRow {
  computed_at: Date;
  trigger: string;
  customers: number;
  recency_days: number[] | null;
  frequency: number[] | null;
  monetary: string[] | null;
  clv_high: string | null;
  clv_medium: string | null;
  finished_at: Date | null;
  duration_ms: number | null;
  updated: number | null;
}

const num = (value: string | null) => (value === null ? null : Number(value));

/** The distribution of tiers and segments over all customers, with the boundaries behind it. */
export async function valueTiersReport(q: SqlSession): Promise<ValueTiersReport> {
  const counts = await q.query<
    { by: 'tier' | 'segment'; value_tier: string | null; rfm_segment: string | null; n: number }[]
  >(
    `SELECT CASE WHEN grouping(value_tier) = 0 THEN 'tier' ELSE 'segment' END AS by,
            value_tier, rfm_segment, count(*)::int AS n
       FROM (SELECT value_tier,
                    CASE WHEN value_tier IS NULL THEN 'notComputed'
                         ELSE COALESCE(rfm_segment, 'noOrders') END AS rfm_segment
               FROM customers) c
      GROUP BY GROUPING SETS ((value_tier), (rfm_segment))`,
  );
  const tiers = Object.fromEntries(
    [...VALUE_TIERS, 'notComputed'].map((t) => [t, 0]),
  ) as ValueTiersReport['tiers'];
  const segments = Object.fromEntries(
    [...RFM_SEGMENTS, 'noOrders', 'notComputed'].map((s) => [s, 0]),
  ) as ValueTiersReport['segments'];
  for (const row of counts) {
    if (row.by === 'tier') {
      const key = (row.value_tier ?? 'notComputed') as keyof typeof tiers;
      if (key in tiers) tiers[key] += row.n;
    } else {
      const key = row.rfm_segment as keyof typeof segments;
      if (key in segments) segments[key] += row.n;
    }
  }

  const [latest] = await q.query<ThresholdsRow[]>(
    'SELECT * FROM value_thresholds ORDER BY id DESC LIMIT 1',
  );
  const [run] = await q.query<ThresholdsRow[]>(
    `SELECT * FROM value_thresholds WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1`,
  );
  return {
    tiers,
    segments,
    thresholds: latest
      ? {
          computedAt: latest.computed_at,
          trigger: latest.trigger,
          cohort: latest.customers,
          recencyDays: latest.recency_days,
          frequency: latest.frequency,
          monetary: latest.monetary?.map(Number) ?? null,
          clv: { high: num(latest.clv_high), medium: num(latest.clv_medium) },
        }
      : null,
    lastRun: run
      ? {
          trigger: run.trigger,
          computedAt: run.computed_at,
          finishedAt: run.finished_at!,
          durationMs: run.duration_ms ?? 0,
          cohort: run.customers,
          updated: run.updated ?? 0,
        }
      : null,
  };
}
