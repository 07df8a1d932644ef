import { roundCents } from './value-settings';

export interface MarginItem {
  quantity: number;
  unitPrice: number;
  /** The product's margin (fraction of price), or null when the product has none or is unknown. */
  productMargin: number | null;
}

/** Margin of one order line: quantity × unit price × (product margin, else the default). */
export const lineMargin = (item: MarginItem, defaultMargin: number) =>
  item.quantity * item.unitPrice * (item.productMargin ?? defaultMargin);

/**
 * Gross margin of a set of order lines, rounded to cents once, at the end (as the SQL sums
 * exact numerics and rounds the customer's total). The caller passes only the lines of kept
 * orders: placed, not cancelled, not returned.
 */
export function grossMargin(items: readonly MarginItem[], defaultMargin: number): number {
  return roundCents(items.reduce((sum, item) => sum + lineMargin(item, defaultMargin), 0));
}
