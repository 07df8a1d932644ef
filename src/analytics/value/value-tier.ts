import { percentileDisc } from './quintiles';
import { CLV_PERCENTILES } from './value-settings';

export const VALUE_TIERS = ['high', 'medium', 'low', 'unprofitable'] as const;
export type ValueTier = (typeof VALUE_TIERS)[number];

/** CLV boundaries of the cohort: `high` above the 80th percentile, `medium` above the 50th. */
export interface ClvCutoffs {
  high: number | null;
  medium: number | null;
}

/** The cut-offs over the CLVs of the customers with at least one order. */
export function clvCutoffs(clvs: readonly number[]): ClvCutoffs {
  return {
    high: percentileDisc(clvs, CLV_PERCENTILES.high),
    medium: percentileDisc(clvs, CLV_PERCENTILES.medium),
  };
}

export interface TierInput {
  orders: number;
  grossMargin: number;
  costToServe: number;
  clv: number;
}

/**
 * - unprofitable: cost to serve above the gross margin earned (whatever else);
 * - low: no orders;
 * - high: CLV above the `high` cut-off (the top 20 % of the cohort);
 * - medium: CLV above the `medium` cut-off (the next 30 %);
 * - low: the rest.
 * "Above", strictly: when many customers share the boundary value (say, all at 0) none of
 * them is promoted, rather than an arbitrary half.
 */
export function valueTier(input: TierInput, cutoffs: ClvCutoffs): ValueTier {
  if (input.costToServe > input.grossMargin) return 'unprofitable';
  if (input.orders <= 0) return 'low';
  if (cutoffs.high !== null && input.clv > cutoffs.high) return 'high';
  if (cutoffs.medium !== null && input.clv > cutoffs.medium) return 'medium';
  return 'low';
}
