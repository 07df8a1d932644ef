import {
  isOrderEvent,
  mergeOrderEvents,
  OrderEvent,
  OrderPatch,
} from '../../src/customers/order-projection';

const at = (hhmm: string) => new Date(`2026-05-01T${hhmm}:00Z`);

const placed = (orderId: string, time: string, total: number, couponCode?: string): OrderEvent => ({
  type: 'order.placed',
  customerId: 'c-1',
  occurredAt: at(time),
  properties: {
    orderId,
    items: [{ sku: `SKU-${total}`, quantity: 1, unitPrice: total }],
    total,
    currency: 'EUR',
    ...(couponCode ? { couponCode } : {}),
  },
});

const step = (
  type: 'order.delivered' | 'order.cancelled' | 'order.returned',
  orderId: string,
  time: string,
  reason?: string,
): OrderEvent => ({
  type,
  customerId: 'c-1',
  occurredAt: at(time),
  properties: { orderId, ...(reason ? { reason } : {}) },
});

const EMPTY = {
  customerId: 'c-1',
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

/** Every ordering of a list (n! of them). */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

const asObject = (patches: Map<string, OrderPatch>) => Object.fromEntries(patches);

/** A value as JSON with every object's keys sorted, so two results compare with `===`. */
const canonical = (value: unknown) =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

describe('mergeOrderEvents: arrival order does not matter', () => {
  // Two placements of A (the earlier one must fix the totals), two deliveries and two
  // cancellations (the earliest must win, with its reason), and an order B seen only returned.
  const events = [
    placed('A', '10:00', 100),
    placed('A', '11:00', 999, 'LATE'),
    step('order.delivered', 'A', '15:00'),
    step('order.delivered', 'A', '14:00'),
    step('order.cancelled', 'A', '16:00', 'late'),
    step('order.cancelled', 'A', '17:00', 'changed mind'),
    step('order.returned', 'B', '12:00', 'broken'),
  ];
  const expected = {
    A: {
      ...EMPTY,
      externalId: 'A',
      placedAt: at('10:00'),
      total: 100,
      currency: 'EUR',
      couponCode: null,
      items: [{ sku: 'SKU-100', quantity: 1, unitPrice: 100 }],
      deliveredAt: at('14:00'),
      cancelledAt: at('16:00'),
      cancelReason: 'late',
    },
    B: { ...EMPTY, externalId: 'B', returnedAt: at('12:00'), returnReason: 'broken' },
  };

  it('gives the hand-computed patch for the events in time order', () => {
    expect(asObject(mergeOrderEvents(events))).toEqual(expected);
  });

  it('gives the same patch for all 5040 permutations of the events', () => {
    const all = permutations(events);
    expect(all).toHaveLength(5040);
    const wanted = canonical(expected);
    const differing = all.filter((p) => canonical(asObject(mergeOrderEvents(p))) !== wanted);
    expect(differing.map((p) => p.map((e) => `${e.type}@${e.occurredAt.toISOString()}`))).toEqual(
      [],
    );
  });

  it('does not reorder or change the caller’s array', () => {
    const input = [...events].reverse();
    const copy = [...input];
    mergeOrderEvents(input);
    expect(input).toEqual(copy);
  });
});

describe('mergeOrderEvents: which event sets which field', () => {
  it('lets the earliest order.placed fix total, currency, coupon and items even when it arrives last', () => {
    const patch = mergeOrderEvents([
      placed('A', '12:00', 50, 'SECOND'),
      placed('A', '09:30', 20, 'FIRST'),
    ]).get('A');
    expect(patch).toMatchObject({
      placedAt: at('09:30'),
      total: 20,
      couponCode: 'FIRST',
      items: [{ sku: 'SKU-20', quantity: 1, unitPrice: 20 }],
    });
  });

  it('takes the reason of the earliest return, not the latest', () => {
    const patch = mergeOrderEvents([
      step('order.returned', 'A', '18:00', 'wrong size'),
      step('order.returned', 'A', '08:00', 'damaged'),
    ]).get('A');
    expect(patch).toMatchObject({ returnedAt: at('08:00'), returnReason: 'damaged' });
  });

  it('leaves every other field null for a lone delivery', () => {
    expect(asObject(mergeOrderEvents([step('order.delivered', 'A', '10:00')]))).toEqual({
      A: { ...EMPTY, externalId: 'A', deliveredAt: at('10:00') },
    });
  });

  it('keeps only sku, quantity and unitPrice of each item', () => {
    const event = placed('A', '10:00', 10);
    event.properties.items = [{ sku: 'X', quantity: 2, unitPrice: 5, colour: 'red' }];
    expect(mergeOrderEvents([event]).get('A')?.items).toEqual([
      { sku: 'X', quantity: 2, unitPrice: 5 },
    ]);
  });

  it('keeps orders apart and keys them by order id as text', () => {
    const patches = mergeOrderEvents([
      step('order.delivered', 'A', '10:00'),
      { ...step('order.delivered', 'B', '11:00'), properties: { orderId: 42 } },
    ]);
    expect([...patches.keys()].sort()).toEqual(['42', 'A']);
    expect(patches.get('42')?.externalId).toBe('42');
  });

  it('gives an empty map for no events', () => {
    expect(mergeOrderEvents([]).size).toBe(0);
  });
});

describe('isOrderEvent', () => {
  it.each(['order.placed', 'order.delivered', 'order.cancelled', 'order.returned'])(
    'is true for %s',
    (type) => {
      expect(isOrderEvent(type)).toBe(true);
    },
  );

  it.each(['order.refunded', 'order', 'product.viewed', 'customer.churned', 'ORDER.PLACED'])(
    'is false for %s',
    (type) => {
      expect(isOrderEvent(type)).toBe(false);
    },
  );
});
