import { EXTRA_KINDS, ExtraKind } from '../../customers/product-extra.entity';
import type { ExtraContext } from '../../messaging/templates/template-context';
import type { EmailAction } from '../../rules/rule.schema';

/** A rule's `action.extras` with the defaults filled in. */
export interface ExtrasOptions {
  kinds: readonly ExtraKind[];
  max: number;
  excludeOwned: boolean;
}

export const DEFAULT_MAX_EXTRAS = 3;

export function extrasOptions(action: Pick<EmailAction, 'extras'>): ExtrasOptions {
  return {
    kinds: action.extras?.kinds ?? EXTRA_KINDS,
    max: action.extras?.max ?? DEFAULT_MAX_EXTRAS,
    excludeOwned: action.extras?.excludeOwned ?? true,
  };
}

/**
 * An extra of one of the products the offer is about, resolved against the catalogue.
 * Candidates come in offer order: the products in the order they matter (the order's lines,
 * or the most recently bought first), each product's extras in catalogue position order.
 */
export type ExtraCandidate = ExtraContext;

/**
 * Which extras to offer one customer, best first.
 *
 * - only the kinds the rule asks for;
 * - never one the customer owns. `excludeOwned: false` does not mean "offer what they have":
 *   a second case or a second warranty for the same laptop is no offer. It only lets a
 *   consumable (ink, filters, refills) they bought before be offered again, because those run out;
 * - never one offered to them in the last 30 days (`recentlyOffered`);
 * - each SKU once (two products may share an extra), in candidate order, at most `max`.
 */
export function pickExtras(
  candidates: readonly ExtraCandidate[],
  owned: ReadonlySet<string>,
  recentlyOffered: ReadonlySet<string>,
  options: ExtrasOptions,
): ExtraContext[] {
  const picked: ExtraContext[] = [];
  const seen = new Set<string>();
  for (const candidate of candidates) {
    if (picked.length >= options.max) break;
    if (seen.has(candidate.sku)) continue;
    if (!options.kinds.includes(candidate.kind)) continue;
    if (recentlyOffered.has(candidate.sku)) continue;
    const reofferable = !options.excludeOwned && candidate.kind === 'consumable';
    if (owned.has(candidate.sku) && !reofferable) continue;
    seen.add(candidate.sku);
    picked.push({ ...candidate });
  }
  return picked;
}
