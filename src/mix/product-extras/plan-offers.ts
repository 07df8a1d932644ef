import type { Prepared } from '../../rules/engine/entry';
import type { ExtrasFacts } from './extras-facts';
import { ExtrasOptions, ExtraCandidate, pickExtras } from './pick-extras';

/** One entry as the offer planning sees it. */
export interface OfferEntry {
  customerId: string;
  dedupeKey: string;
  /** The triggering order's SKUs in line order, or null for rules without an order. */
  orderSkus: string[] | null;
}

export const NO_ELIGIBLE_EXTRAS = 'no_eligible_extras';

/**
 * The extras offer of each entry of a batch, in order. The candidates are the extras of the
 * triggering order's products or, without an order, of every product the customer bought
 * and kept. An entry's own message (a retried job) does not count as an earlier offer, so a
 * retry gets the same answer; what an earlier entry of the same batch offers a customer
 * counts for a later one, as if its message were already stored. `offeredInBatch` (customer
 * id → SKUs) carries that over from the batches of the wave's earlier rules.
 */
export function planOffers(
  entries: readonly OfferEntry[],
  facts: ExtrasFacts,
  options: ExtrasOptions,
  offeredInBatch = new Map<string, Set<string>>(),
): Prepared[] {
  return entries.map((entry) => {
    const products = entry.orderSkus ?? facts.kept.get(entry.customerId) ?? [];
    const candidates: ExtraCandidate[] = [...new Set(products)].flatMap(
      (sku) => facts.extrasOf.get(sku) ?? [],
    );
    // The triggering order is theirs even if its lines are not stored (yet).
    const owned = new Set([
      ...(facts.owned.get(entry.customerId) ?? []),
      ...(entry.orderSkus ?? []),
    ]);
    const recent = new Set(offeredInBatch.get(entry.customerId) ?? []);
    for (const offer of facts.pastOffers.get(entry.customerId) ?? []) {
      if (offer.dedupeKey !== entry.dedupeKey) offer.skus.forEach((sku) => recent.add(sku));
    }
    const extras = pickExtras(candidates, owned, recent, options);
    if (extras.length === 0) return { skip: NO_ELIGIBLE_EXTRAS };
    const batch = offeredInBatch.get(entry.customerId) ?? new Set<string>();
    extras.forEach((extra) => batch.add(extra.sku));
    offeredInBatch.set(entry.customerId, batch);
    return { context: { extras } };
  });
}
