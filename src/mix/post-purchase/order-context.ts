import type { EntityManager } from 'typeorm';
import type { OrderContext } from '../../messaging/templates/template-context';

/** An order as check-in emails and case notices show it; `total` is unknown until it was placed. */
export type CheckInOrderContext = Omit<OrderContext, 'total' | 'currency'> & {
  total: number | null;
  currency: string | null;
};

/**
 * The order of a manual check-in or a case, with its items' product names (the SKU when
 * the catalogue does not know it), in the shape templates see. Rule entries get theirs
 * from the engine; these two paths have no entry.
 */
export async function loadOrderContext(
  q: Pick<EntityManager, 'query'>,
  orderId: string,
): Promise<CheckInOrderContext | null> {
  const [row] = await q.query<
    {
      external_id: string;
      total: string | null;
      currency: string | null;
      coupon_code: string | null;
      placed_at: Date | null;
      delivered_at: Date | null;
      items: {
        sku: string;
        name: string;
        quantity: number;
        unitPrice: string;
        url: string | null;
      }[];
    }[]
  >(
    `SELECT o.external_id, o.total, o.currency, o.coupon_code, o.placed_at, o.delivered_at,
            COALESCE(json_agg(json_build_object('sku', i.sku, 'name', COALESCE(p.name, i.sku),
                     'quantity', i.quantity, 'unitPrice', i.unit_price, 'url', p.url) ORDER BY i.line)
                     FILTER (WHERE i.sku IS NOT NULL), '[]') AS items
       FROM orders o
       LEFT JOIN order_items i ON i.order_id = o.id
       LEFT JOIN products p ON p.sku = i.sku
      WHERE o.id = $1
      GROUP BY o.id`,
    [orderId],
  );
  if (!row) return null;
  return {
    id: row.external_id,
    total: row.total === null ? null : Number(row.total),
    currency: row.currency?.trim() ?? null,
    placedAt: row.placed_at,
    deliveredAt: row.delivered_at,
    couponCode: row.coupon_code,
    items: row.items.map((i) => ({ ...i, unitPrice: Number(i.unitPrice) })),
  };
}
