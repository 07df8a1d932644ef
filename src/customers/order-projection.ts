import { OrderPlacedProperties } from '../events/event.schemas';

/** An order event as the projection needs it. */
export interface OrderEvent {
  type: 'order.placed' | 'order.delivered' | 'order.cancelled' | 'order.returned';
  customerId: string;
  occurredAt: Date;
  properties: Record<string, unknown>;
}

/** What a set of events says about one order; each field is set by exactly one event type. */
export interface OrderPatch {
  externalId: string;
  customerId: string;
  placedAt: Date | null;
  total: number | null;
  currency: string | null;
  couponCode: string | null;
  items: { sku: string; quantity: number; unitPrice: number }[] | null;
  deliveredAt: Date | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  returnedAt: Date | null;
  returnReason: string | null;
}

export const isOrderEvent = (type: string): type is OrderEvent['type'] =>
  type === 'order.placed' ||
  type === 'order.delivered' ||
  type === 'order.cancelled' ||
  type === 'order.returned';

const earliest = (a: Date | null, b: Date) => (a === null || b < a ? b : a);

/**
 * Folds order events into one patch per order. Merging is commutative: the earliest time of
 * each lifecycle step wins and the first `order.placed` (by time) fixes total and items, so
 * the same events in any arrival order give the same patch — and the database upsert uses
 * the same rules (LEAST, COALESCE) against what is already stored.
 */
export function mergeOrderEvents(events: OrderEvent[]): Map<string, OrderPatch> {
  const patches = new Map<string, OrderPatch>();
  const sorted = [...events].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  for (const event of sorted) {
    const orderId = String(event.properties.orderId);
    const patch = patches.get(orderId) ?? {
      externalId: orderId,
      customerId: event.customerId,
      placedAt: null,
      total: null,
      currency: null,
      couponCode: null,
      items: null,
      deliveredAt: null,
      cancelledAt: null,
      cancelReason: null,
      returnedAt: null,
      returnReason: null,
    };
    const reason = typeof event.properties.reason === 'string' ? event.properties.reason : null;
    switch (event.type) {
      case 'order.placed': {
        const placed = event.properties as OrderPlacedProperties;
        if (patch.placedAt === null) {
          patch.total = placed.total;
          patch.currency = placed.currency;
          patch.couponCode = placed.couponCode ?? null;
          patch.items = placed.items.map((i) => ({
            sku: i.sku,
            quantity: i.quantity,
            unitPrice: i.unitPrice,
          }));
        }
        patch.placedAt = earliest(patch.placedAt, event.occurredAt);
        break;
      }
      case 'order.delivered':
        patch.deliveredAt = earliest(patch.deliveredAt, event.occurredAt);
        break;
      case 'order.cancelled':
        if (patch.cancelledAt === null) patch.cancelReason = reason;
        patch.cancelledAt = earliest(patch.cancelledAt, event.occurredAt);
        break;
      case 'order.returned':
        if (patch.returnedAt === null) patch.returnReason = reason;
        patch.returnedAt = earliest(patch.returnedAt, event.occurredAt);
        break;
    }
    patches.set(orderId, patch);
  }
  return patches;
}
