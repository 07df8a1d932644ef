import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  cohortThresholds,
  customerFigures,
  customerValue,
  ValueThresholds,
} from '../../src/analytics/value/customer-value';
import { CustomerValueService } from '../../src/analytics/value/customer-value.service';
import { recomputeEveryone } from '../../src/analytics/value/recompute-everyone';
import type { Clock } from '../../src/common/clock';
import type { AppConfig } from '../../src/config/app-config';
import { applyOrderPatches } from '../../src/customers/order-store';
import { dataSourceOptions } from '../../src/database/data-source-options';
import {
  COHORT,
  daysBefore,
  EXPECTED,
  EXPECTED_THRESHOLDS,
  factsOf,
  FixtureCustomer,
  NOW,
  PRODUCTS,
  SETTINGS,
} from '../unit/analytics/value/cohort.fixture';
import { databaseUrl, templateDb, testDbName, withAdminClient } from '../support/services';

interface StoredValue {
  external_id: string;
  total_spent: string;
  gross_margin: string | null;
  cost_to_serve: string | null;
  clv: string | null;
  rfm_recency: number | null;
  rfm_frequency: number | null;
  rfm_monetary: number | null;
  rfm_segment: string | null;
  value_tier: string | null;
}

const asValue = (row: StoredValue) => ({
  revenue: Number(row.total_spent),
  grossMargin: Number(row.gross_margin),
  costToServe: Number(row.cost_to_serve),
  clv: Number(row.clv),
  rfm:
    row.rfm_recency === null
      ? null
      : { recency: row.rfm_recency, frequency: row.rfm_frequency, monetary: row.rfm_monetary },
  segment: row.rfm_segment,
  tier: row.value_tier,
});

/**
 * The set-based SQL (everyone, and one customer at a time) against the plain functions, on
 * the hand-worked cohort of cohort.fixture.ts built in a real Postgres through the order store
 * the API uses.
 */
describe('customer value SQL agrees with the plain functions', () => {
  let db: DataSource;
  let dbName: string;
  const ids = new Map<string, string>();
  const clock: Clock = { now: () => NOW };
  const config = {
    value: { ...SETTINGS, cron: '0 3 * * *', timezone: 'UTC', workMem: '64MB' },
  } as AppConfig;

  beforeAll(async () => {
    dbName = testDbName(`value_${randomBytes(4).toString('hex')}`);
    await withAdminClient((client) =>
      client.query(`CREATE DATABASE "${dbName}" TEMPLATE "${templateDb()}"`),
    );
    db = new DataSource(dataSourceOptions(databaseUrl(dbName), 4));
    await db.initialize();
    await db.transaction(async (em) => {
      for (const [sku, margin] of Object.entries(PRODUCTS))
        await em.query(
          `INSERT INTO products (sku, name, price, currency, margin) VALUES ($1, $1, 100, 'EUR', $2)`,
          [sku, margin],
        );
      for (const customer of COHORT) await insertCustomer(em, customer);
    });
  });

  afterAll(async () => {
    await db?.destroy();
    await withAdminClient((client) =>
      client.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`),
    );
  });

  async function insertCustomer(em: EntityManager, customer: FixtureCustomer) {
    const [{ id }] = await em.query<{ id: string }[]>(
      `INSERT INTO customers (external_id, email) VALUES ($1, $2) RETURNING id`,
      [customer.id, `${customer.id.toLowerCase()}@example.com`],
    );
    ids.set(customer.id, id);
    await applyOrderPatches(
      em,
      customer.orders.map((order, index) => ({
        externalId: `${customer.id}-${index}`,
        customerId: id,
        placedAt: daysBefore(order.daysAgo),
        total: order.total,
        currency: 'EUR',
        couponCode: null,
        items: order.items,
        deliveredAt: null,
        cancelledAt: order.cancelled ? daysBefore(order.daysAgo - 0.5) : null,
        cancelReason: null,
        returnedAt: order.returned ? daysBefore(order.daysAgo - 0.5) : null,
        returnReason: null,
      })),
    );
    for (let i = 0; i < customer.cases; i++)
      await em.query(`INSERT INTO cases (id, customer_id, status) VALUES ($1, $2, 'resolved')`, [
        randomUUID(),
        id,
      ]);
    for (const [index, order] of customer.orders.entries()) {
      if (order.couponPercent === undefined) continue;
      await em.query(
        `INSERT INTO promotions (id, dedupe_key, code, customer_id, discount_percent, expires_at,
                                 redeemed_at, redeemed_order_id)
         SELECT $1::uuid, $1::text, $1::text, $2, $3, $4, o.placed_at, o.id FROM orders o WHERE o.external_id = $5`,
        [randomUUID(), id, order.couponPercent, NOW, `${customer.id}-${index}`],
      );
    }
    for (let i = 0; i < (customer.unusedPromotions ?? 0); i++)
      await em.query(
        `INSERT INTO promotions (id, dedupe_key, code, customer_id, discount_percent, expires_at)
         VALUES ($1::uuid, $1::text, $1::text, $2, 30, $3)`,
        [randomUUID(), id, NOW],
      );
  }

  const stored = async () =>
    new Map(
      (await db.query<StoredValue[]>('SELECT * FROM customers ORDER BY id')).map((row) => [
        row.external_id,
        asValue(row),
      ]),
    );

  const latestThresholds = async (): Promise<ValueThresholds & { trigger: string }> => {
    const [row] = await db.query<
      {
        trigger: string;
        customers: number;
        recency_days: number[];
        frequency: number[];
        monetary: string[];
        clv_high: string;
        clv_medium: string;
      }[]
    >('SELECT * FROM value_thresholds ORDER BY id DESC LIMIT 1');
    return {
      trigger: row.trigger,
      customers: row.customers,
      rfm: {
        recencyDays: row.recency_days as unknown as ValueThresholds['rfm']['recencyDays'],
        frequency: row.frequency as unknown as ValueThresholds['rfm']['frequency'],
        monetary: row.monetary.map(Number) as unknown as ValueThresholds['rfm']['monetary'],
      },
      clv: { high: Number(row.clv_high), medium: Number(row.clv_medium) },
    };
  };

  const service = () => new CustomerValueService(db, clock, config);

  it('a refresh before any run computes the boundaries first, then scores the customer', async () => {
    await db.transaction((em) => service().refresh(em, [ids.get('C')!]));
    const thresholds = await latestThresholds();
    expect(thresholds).toEqual({ trigger: 'bootstrap', ...EXPECTED_THRESHOLDS });
    const values = await stored();
    expect(values.get('C')).toEqual(EXPECTED.C);
    // Nobody else was touched.
    expect(values.get('A')!.tier).toBeNull();
  });

  it('the computation for everyone gives the hand-worked figures and boundaries', async () => {
    const runner = db.createQueryRunner();
    await runner.connect();
    const outcome = await recomputeEveryone(runner, SETTINGS, {
      now: NOW,
      trigger: 'manual',
      sliceSize: 2, // several slices even for seven customers
    }).finally(() => runner.release());
    expect(outcome).toMatchObject({ status: 'completed', cohort: 5, updated: COHORT.length });
    const thresholds = await latestThresholds();
    expect(thresholds).toEqual({ trigger: 'manual', ...EXPECTED_THRESHOLDS });
    const values = await stored();
    for (const customer of COHORT)
      expect([customer.id, values.get(customer.id)]).toEqual([customer.id, EXPECTED[customer.id]]);
    // The plain functions say the same.
    const figures = COHORT.map((c) => customerFigures(factsOf(c), SETTINGS, NOW));
    expect(cohortThresholds(figures, NOW)).toEqual(EXPECTED_THRESHOLDS);
  });

  it('leaves alone a customer refreshed after the snapshot', async () => {
    // F looks refreshed in the future: the job's snapshot is older, its figures staler.
    await db.query(
      `UPDATE customers SET value_tier = 'high', value_computed_at = now() + interval '1 hour' WHERE id = $1`,
      [ids.get('F')],
    );
    const runner = db.createQueryRunner();
    await runner.connect();
    const outcome = await recomputeEveryone(runner, SETTINGS, {
      now: NOW,
      trigger: 'nightly',
    }).finally(() => runner.release());
    expect(outcome).toMatchObject({ status: 'completed', updated: COHORT.length - 1 });
    expect((await stored()).get('F')!.tier).toBe('high');
    await db.query(`UPDATE customers SET value_computed_at = NULL WHERE id = $1`, [ids.get('F')]);
  });

  it('runs one computation for everyone at a time', async () => {
    const holder = db.createQueryRunner();
    await holder.connect();
    const runner = db.createQueryRunner();
    await runner.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(727501)');
      const outcome = await recomputeEveryone(runner, SETTINGS, { now: NOW, trigger: 'nightly' });
      expect(outcome).toEqual({ status: 'skipped', reason: 'another recompute is running' });
    } finally {
      await holder.query('SELECT pg_advisory_unlock(727501)');
      await holder.release();
      await runner.release();
    }
  });

  it('a refresh after a return and a case agrees with the plain functions, against the stored boundaries', async () => {
    // A returns their latest order (5 days ago) and opens a case.
    const a = COHORT.find((c) => c.id === 'A')!;
    const changed: FixtureCustomer = {
      ...a,
      cases: 1,
      orders: a.orders.map((o, i) => (i === a.orders.length - 1 ? { ...o, returned: true } : o)),
    };
    await db.transaction(async (em) => {
      await applyOrderPatches(em, [
        {
          externalId: `A-${a.orders.length - 1}`,
          customerId: ids.get('A')!,
          placedAt: null,
          total: null,
          currency: null,
          couponCode: null,
          items: null,
          deliveredAt: null,
          cancelledAt: null,
          cancelReason: null,
          returnedAt: daysBefore(1),
          returnReason: 'too small',
        },
      ]);
      await em.query(`INSERT INTO cases (id, customer_id) VALUES ($1, $2)`, [
        randomUUID(),
        ids.get('A'),
      ]);
    });
    const before = await latestThresholds();
    const [refreshed] = await db.transaction((em) => service().refresh(em, [ids.get('A')!]));
    // Hand-worked: revenue 500.00 (5 kept), margin 250.00, cost 15 + 10 = 25.00,
    // CLV 250 × 3 ÷ 2 = 375.00 (above 365.25: medium); last order still 5 days ago (a
    // returned order stays an order) → R 4, F 4 (6 orders), M 4 (500 > 200) → champions.
    const expected = {
      revenue: 500,
      grossMargin: 250,
      costToServe: 25,
      clv: 375,
      rfm: { recency: 4, frequency: 4, monetary: 4 },
      segment: 'champions',
      tier: 'medium',
    };
    expect((await stored()).get('A')).toEqual(expected);
    expect(refreshed).toEqual({
      id: ids.get('A'),
      value_tier: 'medium',
      rfm_segment: 'champions',
      clv: '375.00',
    });
    const plain = customerValue(customerFigures(factsOf(changed), SETTINGS, NOW), before, NOW);
    expect(plain).toEqual({
      grossMargin: expected.grossMargin,
      costToServe: expected.costToServe,
      clv: expected.clv,
      rfm: expected.rfm,
      segment: expected.segment,
      tier: expected.tier,
    });
    // The refresh scored against the stored boundaries: it wrote none.
    expect(await latestThresholds()).toEqual(before);
  });
});
