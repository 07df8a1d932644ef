import type { EntityManager } from 'typeorm';
import type { ExtraKind } from '../../customers/product-extra.entity';
import type { ExtraCandidate } from './pick-extras';

/** How long an offered extra is not offered again to the same customer. */
export const REOFFER_AFTER_DAYS = 30;

/** One earlier offer of extras to a customer (a product-extras message still alive or sent). */
export interface PastOffer {
  dedupeKey: string;
  skus: string[];
}

/** What the database knows about a batch of customers, for picking their extras. */
export interface ExtrasFacts {
  /** Customer id → SKUs in any order not cancelled (returned ones too: they had it). */
  owned: Map<string, Set<string>>;
  /** Customer id → SKUs bought and kept (not cancelled, not returned), most recent first. */
  kept: Map<string, string[]>;
  /** Product SKU → its extras known to the catalogue, in catalogue position order. */
  extrasOf: Map<string, ExtraCandidate[]>;
  /** Customer id → product-extras messages created for them in the last 30 days. */
  pastOffers: Map<string, PastOffer[]>;
}

/**
 * Gathers, in three queries for the whole batch, everything `pickExtras` needs: purchases,
 * the catalogue's extras of the candidate products, and recent offers.
 * `orderSkus` are the products of the triggering orders (they are candidates even when the
 * order's lines are not stored yet).
 */
export async function loadExtrasFacts(
  em: EntityManager,
  customerIds: string[],
  orderSkus: string[],
  now: Date,
): Promise<ExtrasFacts> {
  const purchases = await em.query<{ customer_id: string; sku: string; kept: boolean }[]>(
    `SELECT o.customer_id::text AS customer_id, i.sku,
            bool_or(o.returned_at IS NULL) AS kept,
            max(o.placed_at) FILTER (WHERE o.returned_at IS NULL) AS last_bought
       FROM orders o JOIN order_items i ON i.order_id = o.id
      WHERE o.customer_id = ANY($1::bigint[]) AND o.cancelled_at IS NULL
      GROUP BY o.customer_id, i.sku
      ORDER BY o.customer_id, last_bought DESC NULLS LAST, i.sku`,
    [customerIds],
  );
  const owned = new Map<string, Set<string>>();
  const kept = new Map<string, string[]>();
  for (const row of purchases) {
    let set = owned.get(row.customer_id);
    if (!set) owned.set(row.customer_id, (set = new Set()));
    set.add(row.sku);
    if (row.kept) {
      let list = kept.get(row.customer_id);
      if (!list) kept.set(row.customer_id, (list = []));
      list.push(row.sku);
    }
  }

  const productSkus = [...new Set([...orderSkus, ...[...kept.values()].flat()])];
  // Extras the catalogue does not know as products yet have no name or price: not offered.
  const extras = productSkus.length
    ? await em.query<
        {
          product_sku: string;
          sku: string;
          kind: ExtraKind;
          name: string;
          price: string;
          currency: string;
          url: string | null;
        }[]
      >(
        `SELECT p.sku AS product_sku, e.extra_sku AS sku, e.kind, x.name, x.price, x.currency, x.url
           FROM products p
           JOIN product_extras e ON e.product_id = p.id
           JOIN products x ON x.sku = e.extra_sku
          WHERE p.sku = ANY($1::text[])
          ORDER BY p.sku, e.position`,
        [productSkus],
      )
    : [];
  const extrasOf = new Map<string, ExtraCandidate[]>();
  for (const row of extras) {
    let list = extrasOf.get(row.product_sku);
    if (!list) extrasOf.set(row.product_sku, (list = []));
    list.push({
      sku: row.sku,
      name: row.name,
      kind: row.kind,
      price: Number(row.price),
      currency: row.currency.trim(),
      url: row.url,
    });
  }

  const since = new Date(now.getTime() - REOFFER_AFTER_DAYS * 24 * 3600 * 1000);
  const offers = await em.query<{ customer_id: string; dedupe_key: string; skus: string[] }[]>(
    `SELECT m.customer_id::text AS customer_id, m.dedupe_key,
            COALESCE(ARRAY(SELECT x->>'sku' FROM jsonb_array_elements(
                       CASE WHEN jsonb_typeof(m.context->'extras') = 'array'
                            THEN m.context->'extras' ELSE '[]'::jsonb END) x), '{}') AS skus
       FROM messages m
      WHERE m.customer_id = ANY($1::bigint[]) AND m.class = 'marketing'
        AND m.module = 'product-extras' AND m.status IN ('scheduled', 'sending', 'sent')
        AND m.created_at > $2
        -- Implied by the line above (a message is sent after it is made; a day of slack for
        -- clocks), but it lets the index on (customer_id, class, sent_at) skip the customer's
        -- older sends instead of reading every marketing message they ever had.
        AND (m.sent_at IS NULL OR m.sent_at > $2::timestamptz - interval '1 day')`,
    [customerIds, since],
  );
  const pastOffers = new Map<string, PastOffer[]>();
  for (const row of offers) {
    let list = pastOffers.get(row.customer_id);
    if (!list) pastOffers.set(row.customer_id, (list = []));
    list.push({ dedupeKey: row.dedupe_key, skus: row.skus.filter(Boolean) });
  }
  return { owned, kept, extrasOf, pastOffers };
}
