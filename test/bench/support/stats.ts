import { formatNumber } from './table';

/** Percentiles by the nearest-rank method: the value below which `p` % of samples fall. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Summarizes latencies in ms; the input is not modified. */
export function summarizeLatencies(values: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  const list = Array.from(sorted);
  const sum = list.reduce((total, value) => total + value, 0);
  return {
    count: list.length,
    min: list.length ? list[0] : Number.NaN,
    mean: list.length ? sum / list.length : Number.NaN,
    p50: percentile(list, 50),
    p90: percentile(list, 90),
    p99: percentile(list, 99),
    max: list.length ? list[list.length - 1] : Number.NaN,
  };
}

/** Items per second over a wall time in ms. */
export const perSecond = (count: number, wallMs: number) =>
  wallMs > 0 ? (count * 1000) / wallMs : Number.NaN;

/** One line for the terminal. */
export function describeLatency(s: LatencySummary): string {
  const ms = (value: number) => `${formatNumber(value, 1)} ms`;
  return `p50 ${ms(s.p50)}, p90 ${ms(s.p90)}, p99 ${ms(s.p99)}, max ${ms(s.max)}`;
}
