import { base, de, en, en_AU, en_GB, Faker, fr, ja, pt_BR } from '@faker-js/faker';
import { DEMO_EXTRAS, DEMO_PRODUCTS } from './demo-catalogue';

/**
 * A realistic synthetic shop, the same every time for the same anchor day: a fixed faker seed
 * decides every person, account, order and reason. Ids do not depend on dates, so a second
 * run on another day re-sends the same ids and the engine stores nothing twice.
 */

export interface DemoCustomer {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  locale: string;
  timezone: string;
  marketingConsent: boolean;
  accountId?: string;
  attributes: Record<string, unknown>;
}

export interface DemoAccount {
  id: string;
  name: string;
  ownerEmail: string;
  ownerName: string;
  attributes: Record<string, unknown>;
}

export interface DemoEvent {
  id: string;
  type: string;
  customerId: string;
  occurredAt: string;
  properties: Record<string, unknown>;
}

export interface DemoDataset {
  customers: DemoCustomer[];
  accounts: DemoAccount[];
  /** Every event, oldest first. */
  events: DemoEvent[];
}

const REGIONS = [
  { locale: 'en-US', timezone: 'America/New_York', faker: en, weight: 5 },
  { locale: 'en-US', timezone: 'America/Los_Angeles', faker: en, weight: 3 },
  { locale: 'de-DE', timezone: 'Europe/Berlin', faker: de, weight: 3 },
  { locale: 'fr-FR', timezone: 'Europe/Paris', faker: fr, weight: 2 },
  { locale: 'en-GB', timezone: 'Europe/London', faker: en_GB, weight: 2 },
  { locale: 'ja-JP', timezone: 'Asia/Tokyo', faker: ja, weight: 1 },
  { locale: 'en-AU', timezone: 'Australia/Sydney', faker: en_AU, weight: 1 },
  { locale: 'pt-BR', timezone: 'America/Sao_Paulo', faker: pt_BR, weight: 1 },
];

export const SALES_REPS = [
  { email: 'maya.chen@sales.demo-shop.test', name: 'Maya Chen' },
  { email: 'lukas.weber@sales.demo-shop.test', name: 'Lukas Weber' },
  { email: 'amara.okafor@sales.demo-shop.test', name: 'Amara Okafor' },
  { email: 'diego.santos@sales.demo-shop.test', name: 'Diego Santos' },
];

const CANCEL_REASONS = ['changed_mind', 'found_cheaper', 'delivery_too_slow', 'ordered_by_mistake'];
const RETURN_REASONS = ['defective', 'not_as_described', 'does_not_fit', 'no_longer_needed'];
const CHURN_REASONS = ['price', 'service', 'product_quality', 'moved_to_competitor', 'no_need'];
const COMPETITORS = ['MegaMart', 'TechDirect', 'GadgetHub', null];

const DAY = 24 * 3600 * 1000;

export function demoDataset(options: {
  customers: number;
  accounts: number;
  anchor: Date;
  seed?: number;
}): DemoDataset {
  const faker = new Faker({ locale: [en, base], seed: options.seed ?? 20261123 });
  const now = options.anchor.getTime();
  const regionPool = REGIONS.flatMap((r) => Array<(typeof REGIONS)[number]>(r.weight).fill(r));

  const accounts: DemoAccount[] = Array.from({ length: options.accounts }, (_, i) => {
    const rep = SALES_REPS[i % SALES_REPS.length];
    return {
      id: `demo-acct-${String(i + 1).padStart(3, '0')}`,
      name: faker.company.name(),
      ownerEmail: rep.email,
      ownerName: rep.name,
      attributes: {
        // The sales example rule reviews the top 20 accounts by rank.
        rank: i + 1,
        industry: faker.commerce.department(),
        seats: faker.number.int({ min: 10, max: 500 }),
      },
    };
  });

  const customers: DemoCustomer[] = [];
  const events: DemoEvent[] = [];
  let orderNo = 0;
  for (let i = 0; i < options.customers; i++) {
    const region = faker.helpers.arrayElement(regionPool);
    const local = new Faker({
      locale: [region.faker, en, base],
      seed: (options.seed ?? 20261123) + i,
    });
    const firstName = local.person.firstName();
    const lastName = local.person.lastName();
    const id = `demo-cust-${String(i + 1).padStart(5, '0')}`;
    // The first stakeholders belong to accounts: three to six each.
    const accountIndex = i < options.accounts * 4 ? Math.floor(i / 4) : -1;
    customers.push({
      id,
      email: `${id}@customers.demo-shop.test`,
      firstName,
      lastName,
      locale: region.locale,
      timezone: region.timezone,
      marketingConsent: faker.number.float() < 0.88,
      ...(accountIndex >= 0 ? { accountId: accounts[accountIndex].id } : {}),
      attributes: {
        loyaltyLevel: faker.helpers.weightedArrayElement([
          { value: 'gold', weight: 2 },
          { value: 'silver', weight: 3 },
          { value: 'bronze', weight: 5 },
        ]),
        signupChannel: faker.helpers.arrayElement(['web', 'store', 'referral', 'partner']),
      },
    });

    // A year of orders: most customers a few, some many, some none.
    const orders = faker.helpers.weightedArrayElement([
      { value: 0, weight: 1 },
      { value: 1, weight: 4 },
      { value: 2, weight: 3 },
      { value: 3, weight: 2 },
      { value: faker.number.int({ min: 4, max: 9 }), weight: 2 },
    ]);
    const churnAt =
      faker.number.float() < 0.06 ? now - faker.number.int({ min: 1, max: 200 }) * DAY : null;
    let lastPlaced = 0;
    for (let o = 0; o < orders; o++) {
      const placedAt =
        now - faker.number.int({ min: 0, max: 364 * 24 }) * 3600 * 1000 - 3600 * 1000;
      if (churnAt && placedAt > churnAt) continue;
      orderNo += 1;
      const orderId = `DEMO-${String(orderNo).padStart(6, '0')}`;
      const main = faker.helpers.arrayElement(DEMO_PRODUCTS);
      const lines = [main];
      if (faker.number.float() < 0.35 && main.extras.length > 0) {
        const sku = faker.helpers.arrayElement(main.extras).sku;
        lines.push(DEMO_EXTRAS.find((p) => p.sku === sku)!);
      }
      const items = lines.map((p) => ({ sku: p.sku, quantity: 1, unitPrice: p.price }));
      const total = Math.round(items.reduce((sum, it) => sum + it.unitPrice, 0) * 100) / 100;
      events.push({
        id: `${orderId}.placed`,
        type: 'order.placed',
        customerId: id,
        occurredAt: new Date(placedAt).toISOString(),
        properties: { orderId, items, total, currency: 'USD' },
      });
      lastPlaced = Math.max(lastPlaced, placedAt);
      const fate = faker.number.float();
      if (fate < 0.04) {
        events.push({
          id: `${orderId}.cancelled`,
          type: 'order.cancelled',
          customerId: id,
          occurredAt: new Date(placedAt + 3 * 3600 * 1000).toISOString(),
          properties: { orderId, reason: faker.helpers.arrayElement(CANCEL_REASONS) },
        });
        continue;
      }
      const deliveredAt = placedAt + faker.number.int({ min: 2, max: 5 }) * DAY;
      if (deliveredAt >= now) continue;
      events.push({
        id: `${orderId}.delivered`,
        type: 'order.delivered',
        customerId: id,
        occurredAt: new Date(deliveredAt).toISOString(),
        properties: { orderId },
      });
      const returnedAt = deliveredAt + faker.number.int({ min: 3, max: 20 }) * DAY;
      if (fate > 0.93 && returnedAt < now) {
        events.push({
          id: `${orderId}.returned`,
          type: 'order.returned',
          customerId: id,
          occurredAt: new Date(returnedAt).toISOString(),
          properties: { orderId, reason: faker.helpers.arrayElement(RETURN_REASONS) },
        });
      }
    }
    if (churnAt) {
      const competitor = faker.helpers.arrayElement(COMPETITORS);
      events.push({
        id: `${id}.churned`,
        type: 'customer.churned',
        customerId: id,
        occurredAt: new Date(Math.max(churnAt, lastPlaced + DAY)).toISOString(),
        properties: {
          reason: faker.helpers.arrayElement(CHURN_REASONS),
          ...(competitor ? { competitor } : {}),
        },
      });
    }
  }
  events.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.id.localeCompare(b.id));
  // An event from the future (a churn after a very recent order) waits for its time.
  return { customers, accounts, events: events.filter((e) => Date.parse(e.occurredAt) < now) };
}
