import { costToServe, ServiceCosts } from './cost-to-serve';
import { lifetimeValue } from './lifetime-value';
import { grossMargin, MarginItem } from './order-margin';
import { quintileBounds } from './quintiles';
import { RfmBounds, recencyDays, RfmScores, rfmScores, RfmSegment, rfmSegment } from './rfm';
import type { ValueSettings } from './value-settings';
import { ClvCutoffs, clvCutoffs, ValueTier, valueTier } from './value-tier';

/**
 * The whole computation for plain data, step by step as the SQL does it (value-sql.ts):
 * each customer's figures, then the cohort's boundaries, then scores, segment and tier.
 * Tests hold the SQL to these functions on hand-built data.
 */

/** What the orders, cases and promotions say about one customer. */
export interface CustomerValueFacts {
  /** Orders placed and not cancelled (`ordersCount`). */
  orders: number;
  /** Totals of kept orders: placed, not cancelled, not returned (`totalSpent`). */
  revenue: number;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  /** The lines of kept orders. */
  keptItems: readonly MarginItem[];
  costs: ServiceCosts;
}

/** One customer's figures before the cohort is known. */
export interface CustomerFigures {
  orders: number;
  revenue: number;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  grossMargin: number;
  costToServe: number;
  clv: number;
}

export function customerFigures(
  facts: CustomerValueFacts,
  settings: ValueSettings,
  now: Date,
): CustomerFigures {
  const margin = grossMargin(facts.keptItems, settings.defaultMargin);
  return {
    orders: facts.orders,
    revenue: facts.revenue,
    firstOrderAt: facts.firstOrderAt,
    lastOrderAt: facts.lastOrderAt,
    grossMargin: margin,
    costToServe: costToServe(facts.costs, settings),
    clv: lifetimeValue({ ...facts, grossMargin: margin }, settings.lifespanYears, now).clv,
  };
}

/** The boundaries every customer is scored against, from the customers with at least one order. */
export interface ValueThresholds {
  /** Size of the cohort. */
  customers: number;
  rfm: RfmBounds;
  clv: ClvCutoffs;
}

export function cohortThresholds(all: readonly CustomerFigures[], now: Date): ValueThresholds {
  const cohort = all.filter((c) => c.orders > 0 && c.lastOrderAt !== null);
  return {
    customers: cohort.length,
    rfm: {
      recencyDays: quintileBounds(cohort.map((c) => recencyDays(c.lastOrderAt!, now))),
      frequency: quintileBounds(cohort.map((c) => c.orders)),
      monetary: quintileBounds(cohort.map((c) => c.revenue)),
    },
    clv: clvCutoffs(cohort.map((c) => c.clv)),
  };
}

export interface CustomerValue {
  grossMargin: number;
  costToServe: number;
  clv: number;
  rfm: RfmScores | null;
  segment: RfmSegment | null;
  tier: ValueTier;
}

export function customerValue(
  figures: CustomerFigures,
  thresholds: ValueThresholds,
  now: Date,
): CustomerValue {
  const rfm = rfmScores(figures, thresholds.rfm, now);
  return {
    grossMargin: figures.grossMargin,
    costToServe: figures.costToServe,
    clv: figures.clv,
    rfm,
    segment: rfmSegment(rfm, figures, now),
    tier: valueTier(figures, thresholds.clv),
  };
}
