import { QuintileBounds, scoreHigherIsBetter, scoreLowerIsBetter } from './quintiles';
import { DAY_MS, NEW_CUSTOMER_DAYS } from './value-settings';

/** The cohort's boundaries of the last nightly run (customers with at least one order). */
export interface RfmBounds {
  recencyDays: QuintileBounds | null;
  frequency: QuintileBounds | null;
  monetary: QuintileBounds | null;
}

export interface RfmScores {
  recency: number;
  frequency: number;
  monetary: number;
}

export const RFM_SEGMENTS = [
  'new',
  'champions',
  'at-risk',
  'loyal',
  'potential',
  'hibernating',
] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

/** Whole days from the last order to now (rounded down). */
export const recencyDays = (lastOrderAt: Date, now: Date) =>
  Math.floor((now.getTime() - lastOrderAt.getTime()) / DAY_MS);

export interface RfmInput {
  /** Orders placed and not cancelled: `ordersCount`. */
  orders: number;
  /** Totals of kept orders: `totalSpent`. */
  revenue: number;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
}

/**
 * R, F, M from 1 to 5 against the cohort's boundaries: recency in whole days since the last
 * order (fewer scores higher), frequency in orders, monetary in revenue. Null without orders.
 */
export function rfmScores(input: RfmInput, bounds: RfmBounds, now: Date): RfmScores | null {
  if (input.orders <= 0 || input.lastOrderAt === null) return null;
  return {
    recency: scoreLowerIsBetter(recencyDays(input.lastOrderAt, now), bounds.recencyDays),
    frequency: scoreHigherIsBetter(input.orders, bounds.frequency),
    monetary: scoreHigherIsBetter(input.revenue, bounds.monetary),
  };
}

/**
 * The segment, first match wins:
 * - new: one order, placed within the last NEW_CUSTOMER_DAYS days (too early to judge);
 * - champions: R ≥ 4, F ≥ 4 and M ≥ 4;
 * - at-risk: R ≤ 2 and F ≥ 3 (bought often, not lately — checked before loyal, so a
 *   frequent buyer who went quiet is flagged rather than called loyal);
 * - loyal: F ≥ 4;
 * - potential: R ≥ 4 (recent, not yet frequent);
 * - hibernating: everyone else with orders.
 * Null without orders.
 */
export function rfmSegment(
  scores: RfmScores | null,
  input: Pick<RfmInput, 'orders' | 'firstOrderAt'>,
  now: Date,
): RfmSegment | null {
  if (scores === null || input.orders <= 0) return null;
  const { recency: r, frequency: f, monetary: m } = scores;
  if (
    input.orders === 1 &&
    input.firstOrderAt !== null &&
    now.getTime() - input.firstOrderAt.getTime() <= NEW_CUSTOMER_DAYS * DAY_MS
  )
    return 'new';
  if (r >= 4 && f >= 4 && m >= 4) return 'champions';
  if (r <= 2 && f >= 3) return 'at-risk';
  if (f >= 4) return 'loyal';
  if (r >= 4) return 'potential';
  return 'hibernating';
}
