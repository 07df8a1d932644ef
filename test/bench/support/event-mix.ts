/**
 * Realistic event traffic for the benchmarks, generated ahead of time and reproducibly (a
 * seeded generator): 70 % custom events, 20 % order.placed with 1–3 items, 10 %
 * order.delivered of orders placed earlier. Every event id is unique within a run tag.
 */

export interface BenchEvent {
  id: string;
  type: string;
  customerId: string;
  occurredAt: string;
  properties: Record<string, unknown>;
}

export interface BenchProduct {
  sku: string;
  name: string;
  category: string;
  priceCents: number;
}

/** The products the seed inserts and the orders buy. */
export function benchProducts(count = 20): BenchProduct[] {
  const categories = ['coffee', 'tea', 'brewing', 'accessories'];
  return Array.from({ length: count }, (_, i) => ({
    sku: `BSKU-${String(i + 1).padStart(3, '0')}`,
    name: `Bench product ${i + 1}`,
    category: categories[i % categories.length],
    priceCents: 500 + (i + 1) * 350,
  }));
}

export const benchCustomerId = (n: number) => `bc-${n}`;

/** mulberry32: small, fast, good enough to pick customers and products. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface MixOptions {
  /** Prefix of every event and order id; unique per run. */
  runTag: string;
  batches: number;
  batchSize: number;
  /** Customers `bc-1` … `bc-<customers>` must exist. */
  customers: number;
  products: BenchProduct[];
  /**
   * A delivery refers to an order placed at least this many batches before, so with fewer
   * connections than that the order is normally stored already (the projection copes either
   * way). In the first batches it falls back to an order placed earlier in the same batch.
   */
  deliveryLag: number;
  /** Time of the first event; each next event is `stepMs` later (all must stay in the past). */
  startAt: Date;
  stepMs: number;
  seed?: number;
}

interface PlacedOrder {
  orderId: string;
  customerId: string;
  delivered: boolean;
}

/** Which kind of event sits at each position of a block of ten: 7 custom, 2 placed, 1 delivered. */
const BLOCK = [
  'product.viewed',
  'product.viewed',
  'product.viewed',
  'product.viewed',
  'cart.updated',
  'page.viewed',
  'search.performed',
  'order.placed',
  'order.placed',
  'order.delivered',
] as const;

export function generateBatches(options: MixOptions): BenchEvent[][] {
  const random = seededRandom(options.seed ?? 42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const customer = () => benchCustomerId(1 + Math.floor(random() * options.customers));
  const sources = ['web', 'app', 'email'] as const;
  const placedByBatch: PlacedOrder[][] = [];
  const ready: PlacedOrder[] = [];
  let readyHead = 0;
  let orderSeq = 0;
  let position = 0;
  const start = options.startAt.getTime();

  const batches: BenchEvent[][] = [];
  for (let b = 0; b < options.batches; b++) {
    if (b - options.deliveryLag >= 0) ready.push(...placedByBatch[b - options.deliveryLag]);
    const placedHere: PlacedOrder[] = [];
    placedByBatch.push(placedHere);
    let placedHereHead = 0;
    const events: BenchEvent[] = [];
    for (let i = 0; i < options.batchSize; i++) {
      const type = BLOCK[i % BLOCK.length];
      const id = `${options.runTag}-b${b}-${i}`;
      const occurredAt = new Date(start + position++ * options.stepMs).toISOString();
      switch (type) {
        case 'product.viewed': {
          const product = pick(options.products);
          events.push({
            id,
            type,
            customerId: customer(),
            occurredAt,
            properties: {
              sku: product.sku,
              category: product.category,
              source: pick(sources),
              durationMs: Math.floor(random() * 60_000),
            },
          });
          break;
        }
        case 'cart.updated': {
          const product = pick(options.products);
          const quantity = 1 + Math.floor(random() * 3);
          events.push({
            id,
            type,
            customerId: customer(),
            occurredAt,
            properties: {
              sku: product.sku,
              quantity,
              cartValue: (product.priceCents * quantity) / 100,
            },
          });
          break;
        }
        case 'page.viewed':
          events.push({
            id,
            type,
            customerId: customer(),
            occurredAt,
            properties: { path: `/blog/${Math.floor(random() * 200)}`, source: pick(sources) },
          });
          break;
        case 'search.performed':
          events.push({
            id,
            type,
            customerId: customer(),
            occurredAt,
            properties: {
              query: pick(['espresso', 'grinder', 'green tea', 'filter']),
              results: Math.floor(random() * 40),
            },
          });
          break;
        case 'order.placed': {
          const items = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
            const product = pick(options.products);
            return {
              sku: product.sku,
              quantity: 1 + Math.floor(random() * 3),
              unitPrice: product.priceCents / 100,
            };
          });
          const totalCents = items.reduce(
            (sum, item) => sum + Math.round(item.unitPrice * 100) * item.quantity,
            0,
          );
          const order: PlacedOrder = {
            orderId: `${options.runTag}-o${orderSeq++}`,
            customerId: customer(),
            delivered: false,
          };
          placedHere.push(order);
          events.push({
            id,
            type,
            customerId: order.customerId,
            occurredAt,
            properties: { orderId: order.orderId, items, total: totalCents / 100, currency: 'EUR' },
          });
          break;
        }
        case 'order.delivered': {
          while (readyHead < ready.length && ready[readyHead].delivered) readyHead++;
          let order: PlacedOrder | undefined = ready[readyHead];
          if (order) readyHead++;
          else {
            while (placedHereHead < placedHere.length && placedHere[placedHereHead].delivered)
              placedHereHead++;
            order = placedHere[placedHereHead++];
          }
          if (!order)
            throw new Error(
              'the event mix has no order to deliver: put order.placed first in the block',
            );
          order.delivered = true;
          events.push({
            id,
            type,
            customerId: order.customerId,
            occurredAt,
            properties: { orderId: order.orderId },
          });
          break;
        }
      }
    }
    batches.push(events);
  }
  return batches;
}

/** Counts per event type over batches, for the report. */
export function countTypes(batches: BenchEvent[][]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const batch of batches)
    for (const event of batch) counts[event.type] = (counts[event.type] ?? 0) + 1;
  return counts;
}
