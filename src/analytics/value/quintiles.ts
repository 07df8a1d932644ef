import { QUINTILES } from './value-settings';

/**
 * Postgres's `percentile_disc(p)`: the first value (in ascending order) whose position
 * reaches p of the rows — row ceil(p × n), counted from 1 — so the boundary is always one
 * of the values. Null for no values. Same double arithmetic as Postgres.
 */
export function percentileDisc(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const row = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[row - 1];
}

/** Four boundaries that cut a cohort into quintiles: its 20th, 40th, 60th and 80th percentiles. */
export type QuintileBounds = readonly [number, number, number, number];

export function quintileBounds(values: readonly number[]): QuintileBounds | null {
  if (values.length === 0) return null;
  return QUINTILES.map((p) => percentileDisc(values, p)!) as unknown as QuintileBounds;
}

/** How many boundaries lie strictly below `value`; none when there are no boundaries. */
const above = (value: number, bounds: QuintileBounds | null) =>
  bounds ? bounds.filter((bound) => value > bound).length : 0;

/**
 * Score 1–5 where more is better (frequency, monetary): 1 + the boundaries the value is
 * above. Scoring against boundaries rather than ranking (`ntile`) gives equal values equal
 * scores — with many one-order customers, `ntile` would split identical customers between
 * scores 1, 2 and 3 by chance — and lets one customer be scored between nightly runs.
 */
export const scoreHigherIsBetter = (value: number, bounds: QuintileBounds | null) =>
  1 + above(value, bounds);

/** Score 1–5 where less is better (days since the last order): 5 − the boundaries the value is above. */
export const scoreLowerIsBetter = (value: number, bounds: QuintileBounds | null) =>
  5 - above(value, bounds);
