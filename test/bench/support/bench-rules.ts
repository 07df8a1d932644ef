/**
 * Twenty active event rules for the rules benchmark, spread over the four modules and the
 * event types of the bench traffic (event-mix.ts): each event triggers one to five of them,
 * with conditions on the customer, the event and the order that some entries pass and some
 * do not, holdouts, re-entry limits, delays and send windows — what a shop would run.
 */

/** A plain note for post-purchase rules without a check-in (the bench saves it first). */
export const NOTE_TEMPLATE = {
  key: 'bench.note',
  body: {
    subject: 'A note for {{customer.firstName}}',
    html: '<p>Hello {{default customer.firstName "there"}}, thanks for coming by.</p>{{> footer}}',
  },
};

const note = { type: 'email', template: NOTE_TEMPLATE.key };
const checkIn = { type: 'email', template: 'post-purchase.check-in', checkIn: true };
const promotion = (codePrefix: string, discountPercent: number) => ({
  type: 'email',
  template: 'reinforcing-promotions.promotion',
  promotion: { codePrefix, discountPercent, validFor: 'P14D' },
});
const extras = (kinds: string[]) => ({
  type: 'email',
  template: 'product-extras.offer',
  extras: { kinds, max: 2, excludeOwned: true },
});
const event = (type: string) => ({ type: 'event', event: type });
const window = { start: '09:00', end: '18:00' };

export const BENCH_RULES: Record<string, unknown>[] = [
  // order.delivered (10 % of the traffic)
  {
    name: 'Check in 3 days after delivery',
    module: 'post-purchase',
    trigger: event('order.delivered'),
    conditions: { field: 'customer.valueTier', op: 'nin', value: ['unprofitable'] },
    delay: 'P3D',
    sendWindow: window,
    action: checkIn,
    reentry: 'always',
    holdoutPercent: 10,
  },
  {
    name: 'Accessories 2 days after delivery',
    module: 'product-extras',
    trigger: event('order.delivered'),
    delay: 'P2D',
    sendWindow: window,
    action: extras(['accessory']),
    reentry: 'always',
    holdoutPercent: 10,
    goal: { event: 'order.placed', within: 'P14D' },
  },
  {
    name: 'Review reward after a big delivery',
    module: 'reinforcing-promotions',
    trigger: event('order.delivered'),
    conditions: { field: 'order.total', op: 'gte', value: 80 },
    delay: 'P5D',
    action: promotion('REVIEW', 10),
    reentry: { every: 'P30D' },
  },
  // order.placed (20 %)
  {
    name: 'Thank-you code for repeat buyers',
    module: 'reinforcing-promotions',
    trigger: event('order.placed'),
    conditions: { field: 'customer.ordersCount', op: 'gte', value: 2 },
    delay: 'PT1H',
    action: promotion('THANKS', 10),
    reentry: { every: 'P30D' },
    holdoutPercent: 10,
  },
  {
    name: 'Warranty for big orders',
    module: 'product-extras',
    trigger: event('order.placed'),
    conditions: { field: 'order.total', op: 'gte', value: 60 },
    delay: 'P1D',
    action: extras(['warranty']),
    reentry: 'always',
  },
  {
    name: 'Check in on a very big order',
    module: 'post-purchase',
    trigger: event('order.placed'),
    conditions: { field: 'order.total', op: 'gte', value: 120 },
    delay: 'P1D',
    action: checkIn,
    reentry: 'always',
  },
  {
    name: 'Welcome note on the first order',
    module: 'post-purchase',
    trigger: event('order.placed'),
    conditions: { field: 'customer.ordersCount', op: 'lte', value: 1 },
    delay: 'PT2H',
    action: note,
    reentry: 'once',
  },
  {
    name: 'Account owner follows up big B2B orders',
    module: 'sales-touchpoints',
    trigger: event('order.placed'),
    conditions: {
      all: [
        { field: 'account.id', op: 'exists' },
        { field: 'order.total', op: 'gte', value: 50 },
      ],
    },
    action: { type: 'task', title: 'Follow up a big order', dueIn: 'P2D', notify: false },
    reentry: { every: 'P7D' },
  },
  // cart.updated (10 %)
  {
    name: 'Nudge for a full cart',
    module: 'reinforcing-promotions',
    trigger: event('cart.updated'),
    conditions: { field: 'event.properties.cartValue', op: 'gte', value: 40 },
    delay: 'PT4H',
    action: promotion('CART', 5),
    reentry: { every: 'P7D' },
    holdoutPercent: 20,
    goal: { event: 'order.placed', within: 'P2D' },
  },
  {
    name: 'Note on a cart of gold customers',
    module: 'post-purchase',
    trigger: event('cart.updated'),
    conditions: { field: 'customer.valueTier', op: 'eq', value: 'gold' },
    delay: 'PT6H',
    action: note,
    reentry: { every: 'P14D' },
  },
  // product.viewed (40 %)
  {
    name: 'Brewing fans get a code',
    module: 'reinforcing-promotions',
    trigger: event('product.viewed'),
    conditions: { field: 'event.properties.category', op: 'eq', value: 'brewing' },
    delay: 'PT12H',
    sendWindow: window,
    action: promotion('BREW', 10),
    reentry: { every: 'P14D' },
    holdoutPercent: 10,
  },
  {
    name: 'Long looks at tea',
    module: 'post-purchase',
    trigger: event('product.viewed'),
    conditions: {
      all: [
        { field: 'event.properties.category', op: 'eq', value: 'tea' },
        { field: 'event.properties.durationMs', op: 'gte', value: 30_000 },
      ],
    },
    delay: 'PT3H',
    action: note,
    reentry: { every: 'P7D' },
  },
  {
    name: 'App browsers who never ordered',
    module: 'reinforcing-promotions',
    trigger: event('product.viewed'),
    conditions: {
      all: [
        { field: 'event.properties.source', op: 'eq', value: 'app' },
        { field: 'customer.ordersCount', op: 'eq', value: 0 },
      ],
    },
    delay: 'P1D',
    action: promotion('FIRST', 15),
    reentry: 'once',
  },
  {
    name: 'Silver customers looking at accessories',
    module: 'post-purchase',
    trigger: event('product.viewed'),
    conditions: {
      all: [
        { field: 'customer.valueTier', op: 'eq', value: 'silver' },
        { field: 'event.properties.category', op: 'in', value: ['accessories'] },
      ],
    },
    delay: 'PT8H',
    action: note,
    reentry: { every: 'P30D' },
  },
  {
    name: 'A look at the flagship',
    module: 'reinforcing-promotions',
    trigger: event('product.viewed'),
    conditions: { field: 'event.properties.sku', op: 'eq', value: 'BSKU-020' },
    delay: 'PT1H',
    action: promotion('FLAG', 5),
    reentry: { every: 'P30D' },
  },
  // page.viewed (10 %)
  {
    name: 'Readers of the brewing guide',
    module: 'post-purchase',
    trigger: event('page.viewed'),
    conditions: { field: 'event.properties.path', op: 'contains', value: '/blog/1' },
    delay: 'P1D',
    action: note,
    reentry: { every: 'P30D' },
  },
  {
    name: 'Email readers of any page',
    module: 'post-purchase',
    trigger: event('page.viewed'),
    conditions: { field: 'event.properties.source', op: 'eq', value: 'email' },
    delay: 'P2D',
    action: note,
    reentry: { every: 'P14D' },
  },
  {
    name: 'Gold readers get a code',
    module: 'reinforcing-promotions',
    trigger: event('page.viewed'),
    conditions: { field: 'customer.valueTier', op: 'eq', value: 'gold' },
    delay: 'P1D',
    action: promotion('READ', 5),
    reentry: { every: 'P30D' },
  },
  // search.performed (10 %)
  {
    name: 'Searched and found nothing',
    module: 'reinforcing-promotions',
    trigger: event('search.performed'),
    conditions: { field: 'event.properties.results', op: 'lt', value: 3 },
    delay: 'PT2H',
    action: promotion('SORRY', 10),
    reentry: { every: 'P30D' },
  },
  {
    name: 'Searched for grinders',
    module: 'post-purchase',
    trigger: event('search.performed'),
    conditions: { field: 'event.properties.query', op: 'eq', value: 'grinder' },
    delay: 'PT5H',
    action: note,
    reentry: { every: 'P14D' },
  },
].map((rule) => ({ ...rule, status: 'active' }));

/**
 * Records a finished nightly value computation, as a shop that has run for a while has: the
 * worker then keeps the seeded value tiers instead of queueing a first recompute of everyone
 * at boot, which would re-tier the customers while the benchmark runs (and measure it too).
 * Nothing to do on a schema without value thresholds.
 */
export async function markValuesComputed(client: {
  query: (sql: string, params?: unknown[]) => Promise<{ rows: { present: boolean }[] }>;
}) {
  const { rows } = await client.query(
    `SELECT to_regclass('value_thresholds') IS NOT NULL AS present`,
  );
  if (!rows[0]?.present) return;
  await client.query(
    `INSERT INTO value_thresholds (computed_at, trigger, customers, settings, finished_at)
     VALUES (now(), 'nightly', (SELECT count(*) FROM customers), '{}', now())`,
  );
}
