import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import { overviewReport } from '../../src/analytics/reports/overview.report';
import type { QueryRunnerLike } from '../../src/analytics/reports/query-runner';
import { rulesReport } from '../../src/analytics/reports/rules.report';
import { winLossReport } from '../../src/analytics/reports/win-loss.report';
import { OrderPatch } from '../../src/customers/order-projection';
import { applyOrderPatches } from '../../src/customers/order-store';
import { databaseUrl, templateDb, testDbName, withAdminClient } from '../support/services';

/*
 * Every metric of the three reports on a small data set written straight to Postgres, with
 * the expected numbers worked out by hand below. Orders go through the application's own
 * projection (`applyOrderPatches`), so `first_order_at`, `total_spent`, … are what the
 * service would have stored. The period is May 2026: [2026-05-01T00:00Z, 2026-06-01T00:00Z).
 *
 * Customers (orders "not cancelled" unless said; L = lost, i.e. churned with no later order):
 *   A  orders 03-10 (100), 05-05 (50), 05-20 (30), 06-01T00:00 (999, at `to`: outside)
 *   B  order 02-01 (200); churned 05-10 (service) and 05-12 (price, Acme) → lost in May
 *      tier high, clv 900
 *   C  order 01-15 (40); churned 03-01; ordered again 05-15 (60) → lost at `from`, won back
 *   D  orders 05-01T00:00 (120, at `from`: inside), 05-25 (80, returned 05-28 "damaged"),
 *      05-26 (15, cancelled 05-27, no reason) → new
 *   E  order 05-12 (70); churned 05-30 (service) → new, and lost again; tier medium, clv 300
 *   F  orders 05-08 (90) and 05-20 (10), both cancelled next day "too_slow" → never a customer
 *   G  order 04-20 (55); churned 04-25 → lost before the period and still; and an order
 *      04-21 (5) cancelled 04-22 (outside the period)
 *   H  order 06-02 (after the period): not a customer yet
 *   I  order 2025-12-01 (300); churned 05-02 (price, Globex), ordered again 05-06 (45)
 *      tier low, clv 150
 *   J  order 04-01 (500), returned 05-03 "wrong_size" (a returned order is still an order)
 *   K  no orders; churned 05-11 (price, Acme)
 *   L  order 04-10 (35), order 04-28 (25) cancelled 05-02 "price"; tier medium
 *
 * Overview, customers:
 *   first order before `from`: A B C G I J L = 7; lost at `from`: C (churn 03-01, next order
 *   05-15) and G → S = 7 − 2 = 5 (A B I J L)
 *   N: D (05-01T00:00) and E (05-12) = 2
 *   first order before `to`: 7 + 2 = 9; lost at `to`: B, E, G (C and I ordered after their
 *   churn; K never ordered) → E = 9 − 3 = 6 (A C D I J L)
 *   churned = S lost at `to` = B → 1; wonBack = C → 1; newChurned = E → 1
 *   (check: E = S − churned + wonBack + N − newChurned = 5 − 1 + 1 + 2 − 1 = 6)
 *   retention = (6 − 2) / 5 = 0.8; churn rate = 1 / 5 = 0.2
 * Overview, orders placed in May, not cancelled: A 2, C 1, D 2 (the returned one counts),
 *   E 1, I 1 → 7 orders, 5 customers, 2 with two or more (A, D) → repeat rate 0.4
 * Revenue (not returned): new D 120 + E 70 = 190; returning A 80 + C 60 + I 45 = 185;
 *   total 375; new share 190 / 375
 */

const FROM = new Date('2026-05-01T00:00:00Z');
const TO = new Date('2026-06-01T00:00:00Z');
const at = (iso: string) => new Date(iso.includes('T') ? iso : `${iso}T12:00:00Z`);

describe('report metrics on a hand-computed data set', () => {
  const dbName = testDbName(`reports_metrics_${process.env.JEST_WORKER_ID ?? '0'}`);
  let db: Client;
  let q: QueryRunnerLike;
  const ids: Record<string, string> = {};
  const rule: Record<string, string> = {
    R1: randomUUID(),
    R2: randomUUID(),
    R3: randomUUID(),
    R4: randomUUID(),
  };
  const entry: Record<string, string> = {};

  beforeAll(async () => {
    await withAdminClient((c) => c.query(`CREATE DATABASE "${dbName}" TEMPLATE "${templateDb()}"`));
    db = new Client({ connectionString: databaseUrl(dbName) });
    await db.connect();
    q = {
      query: async (sql: string, params?: unknown[]) => (await db.query(sql, params)).rows,
    } as QueryRunnerLike;

    for (const name of 'ABCDEFGHIJKL') {
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO customers (external_id, email, first_name) VALUES ($1, $2, $3) RETURNING id`,
        [name, `${name.toLowerCase()}@example.com`, `Customer ${name}`],
      );
      ids[name] = rows[0].id;
    }

    const orders: OrderPatch[] = [];
    const order = (
      customer: string,
      placed: string,
      total: number,
      more: Partial<OrderPatch> = {},
    ) =>
      orders.push({
        externalId: `${customer}-${orders.length + 1}`,
        customerId: ids[customer],
        placedAt: at(placed),
        total,
        currency: 'EUR',
        couponCode: null,
        items: null,
        deliveredAt: null,
        cancelledAt: null,
        cancelReason: null,
        returnedAt: null,
        returnReason: null,
        ...more,
      });
    const cancelled = (when: string, reason: string | null) => ({
      cancelledAt: at(when),
      cancelReason: reason,
    });
    order('A', '2026-03-10', 100);
    order('A', '2026-05-05', 50);
    order('A', '2026-05-20', 30);
    order('A', '2026-06-01T00:00:00Z', 999);
    order('B', '2026-02-01', 200);
    order('C', '2026-01-15', 40);
    order('C', '2026-05-15', 60);
    order('D', '2026-05-01T00:00:00Z', 120);
    order('D', '2026-05-25', 80, { returnedAt: at('2026-05-28'), returnReason: 'damaged' });
    order('D', '2026-05-26', 15, cancelled('2026-05-27', null));
    order('E', '2026-05-12', 70);
    order('F', '2026-05-08', 90, cancelled('2026-05-09', 'too_slow'));
    order('F', '2026-05-20', 10, cancelled('2026-05-21', 'too_slow'));
    order('G', '2026-04-20', 55);
    order('G', '2026-04-21', 5, cancelled('2026-04-22', 'too_slow'));
    order('H', '2026-06-02', 20);
    order('I', '2025-12-01', 300);
    order('I', '2026-05-06', 45);
    order('J', '2026-04-01', 500, { returnedAt: at('2026-05-03'), returnReason: 'wrong_size' });
    order('L', '2026-04-10', 35);
    order('L', '2026-04-28', 25, cancelled('2026-05-02', 'price'));
    await applyOrderPatches(q as unknown as EntityManager, orders);

    const tier = (name: string, valueTier: string, clv: number) =>
      db.query('UPDATE customers SET value_tier = $2, clv = $3 WHERE id = $1', [
        ids[name],
        valueTier,
        clv,
      ]);
    await tier('B', 'high', 900);
    await tier('E', 'medium', 300);
    await tier('I', 'low', 150);
    await tier('L', 'medium', 80);

    const churned = (name: string, when: string, props: Record<string, string>) =>
      db.query(
        `INSERT INTO events (id, type, customer_id, occurred_at, properties)
         VALUES ($1, 'customer.churned', $2, $3, $4)`,
        [`churn-${name}-${when}`, ids[name], at(when), props],
      );
    await churned('B', '2026-05-10', { reason: 'service' });
    await churned('B', '2026-05-12', { reason: 'price', competitor: 'Acme', note: 'switching' });
    await churned('C', '2026-03-01', { reason: 'price' });
    await churned('E', '2026-05-30', { reason: 'service' });
    await churned('G', '2026-04-25', { reason: 'moved' });
    await churned('I', '2026-05-02', { reason: 'price', competitor: 'Globex' });
    await churned('K', '2026-05-11', { reason: 'price', competitor: 'Acme' });

    const ruleRow = (key: string, name: string, module: string) =>
      db.query(
        `INSERT INTO rules (id, name, module, status, trigger_type, definition)
         VALUES ($1, $2, $3, 'active', 'event', '{}')`,
        [rule[key], name, module],
      );
    await ruleRow('R1', 'Check in after delivery', 'post-purchase');
    await ruleRow('R2', 'Offer a case', 'product-extras');
    await ruleRow('R3', 'Call key accounts', 'sales-touchpoints');
    await ruleRow('R4', 'Monday promotion', 'reinforcing-promotions');

    const message = (
      key: string,
      customer: string,
      ruleKey: string,
      module: string,
      status: string,
      created: string,
    ) => {
      entry[key] = randomUUID();
      return db.query(
        `INSERT INTO messages (id, dedupe_key, customer_id, module, kind, class, rule_id,
                               template_key, send_at, status, sent_at, created_at)
         VALUES ($1, $2, $3, $4, 'offer', 'marketing', $5, 'x', $6, $7, $8, $6)`,
        [
          entry[key],
          key,
          ids[customer],
          module,
          rule[ruleKey],
          at(created),
          status,
          status === 'sent' ? at(created) : null,
        ],
      );
    };
    await message('m1', 'A', 'R1', 'post-purchase', 'sent', '2026-05-01T00:00:00Z');
    await message('m2', 'B', 'R1', 'post-purchase', 'sent', '2026-05-10');
    await message('m3', 'C', 'R1', 'post-purchase', 'held_out', '2026-05-11');
    await message('m4', 'D', 'R2', 'product-extras', 'suppressed', '2026-05-12');
    await message('m5', 'D', 'R2', 'product-extras', 'sent', '2026-04-30T23:59:59.999Z');
    await message('m6', 'D', 'R2', 'product-extras', 'sent', '2026-06-01T00:00:00Z');
    await message('m7', 'A', 'R1', 'post-purchase', 'sent', '2026-05-20');
    await message('m8', 'B', 'R1', 'post-purchase', 'sent', '2026-04-15');

    const task = (
      key: string,
      created: string,
      due: string,
      status: string,
      completed: string | null,
      ruleKey?: string,
      customer?: string,
    ) => {
      entry[key] = randomUUID();
      return db.query(
        `INSERT INTO tasks (id, dedupe_key, rule_id, customer_id, assignee_email, title, due_at,
                            status, completed_at, created_at)
         VALUES ($1, $2, $3, $4, 'rep@example.com', 'Call', $5, $6, $7, $8)`,
        [
          entry[key],
          key,
          ruleKey ? rule[ruleKey] : null,
          customer ? ids[customer] : null,
          at(due),
          status,
          completed ? at(completed) : null,
          at(created),
        ],
      );
    };
    await task('t1', '2026-04-20', '2026-04-27', 'open', null);
    await task('t2', '2026-05-02', '2026-05-09', 'completed', '2026-05-08', 'R3', 'I');
    await task('t3', '2026-05-05', '2026-05-30', 'completed', '2026-06-03');
    await task('t4', '2026-05-06', '2026-06-05', 'open', null);
    await task('t5', '2026-04-01', '2026-04-10', 'completed', '2026-05-15');
    await task('t6', '2026-05-07', '2026-05-08', 'held_out', null, 'R3', 'J');
    await task('t7', '2026-05-31T23:00:00Z', '2026-05-31T23:30:00Z', 'open', null);

    const conversion = (
      ruleKey: string,
      customer: string,
      group: string,
      entryKey: string,
      revenue: number | null,
    ) =>
      db.query(
        `INSERT INTO conversions (id, rule_id, customer_id, "group", entry_id, event_id, converted_at, revenue)
         VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, now(), $6)`,
        [rule[ruleKey], ids[customer], group, entry[entryKey], `goal-${entryKey}`, revenue],
      );
    await conversion('R1', 'A', 'treated', 'm7', 30);
    await conversion('R1', 'C', 'holdout', 'm3', 60);
    await conversion('R1', 'B', 'treated', 'm8', 200);
    await conversion('R3', 'J', 'holdout', 't6', null);

    const checkIn = (created: string, answer: string | null, answered: string | null) =>
      db.query(
        `INSERT INTO check_ins (id, dedupe_key, customer_id, source, answer, answered_at, created_at)
         VALUES (gen_random_uuid(), $1, $2, 'rule', $3, $4, $5)`,
        [randomUUID(), ids.A, answer, answered ? at(answered) : null, at(created)],
      );
    await checkIn('2026-05-02', 'good', '2026-05-03');
    await checkIn('2026-05-04', 'problem', '2026-05-05');
    await checkIn('2026-05-06', null, null);
    await checkIn('2026-05-31T23:59:00Z', 'problem', '2026-06-01T01:00:00Z');
    await checkIn('2026-04-29', 'good', '2026-05-02');

    const kase = (opened: string, resolved: string | null) =>
      db.query(
        `INSERT INTO cases (id, customer_id, status, opened_at, resolved_at)
         VALUES (gen_random_uuid(), $1, $2, $3, $4)`,
        [ids.A, resolved ? 'resolved' : 'open', at(opened), resolved ? at(resolved) : null],
      );
    await kase('2026-05-02', '2026-05-04');
    await kase('2026-04-28', '2026-05-03');
    await kase('2026-05-20', null);
  });

  afterAll(async () => {
    await db?.end();
    await withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`));
  });

  describe('overview', () => {
    it('customers at the start and end, new, churned, won back; retention and churn rates', async () => {
      const report = await overviewReport(q, { from: FROM, to: TO });
      expect(report.customers).toEqual({
        start: 5,
        new: 2,
        end: 6,
        churned: 1,
        wonBack: 1,
        newChurned: 1,
        retentionRate: 0.8,
        churnRate: 0.2,
      });
    });

    it('orders, repeat purchase rate and revenue from new and returning customers', async () => {
      const report = await overviewReport(q, { from: FROM, to: TO });
      expect(report.orders).toEqual({
        orders: 7,
        customers: 5,
        repeatCustomers: 2,
        repeatPurchaseRate: 0.4,
      });
      expect(report.revenue).toEqual({
        new: 190,
        returning: 185,
        total: 375,
        newShare: 190 / 375,
      });
    });

    it('messages created in the period by module and status, `from` in and `to` out', async () => {
      // In May: m1 (at `from`), m2, m7 sent; m3 held out (post-purchase); m4 suppressed
      // (product-extras). m5 (a millisecond before `from`), m6 (at `to`), m8 (April): outside.
      const report = await overviewReport(q, { from: FROM, to: TO });
      expect(report.messages).toEqual([
        { module: 'post-purchase', status: 'held_out', count: 1 },
        { module: 'post-purchase', status: 'sent', count: 3 },
        { module: 'product-extras', status: 'suppressed', count: 1 },
      ]);
    });

    it('check-ins asked in the period and their answers; cases opened and resolved', async () => {
      // Asked in May: good, problem, unanswered, problem (answered after `to`: still this
      // cohort's answer). The April one answered in May belongs to April.
      // answerRate = 3 / 4; problemRate = 2 / 3.
      // Cases: opened 05-02 and 05-20 → 2; resolved 05-04 and 05-03 (opened in April) → 2.
      const report = await overviewReport(q, { from: FROM, to: TO });
      expect(report.checkIns).toEqual({
        asked: 4,
        answered: 3,
        good: 1,
        problem: 2,
        answerRate: 0.75,
        problemRate: 2 / 3,
      });
      expect(report.cases).toEqual({ opened: 2, resolved: 2 });
    });

    it('tasks created, completed and overdue at `to`; held-out tasks are not work', async () => {
      // created in May: t2, t3, t4, t7 (t6 is held out) → 4
      // completed in May: t2 (05-08), t5 (05-15, created in April) → 2; t3 completed in June
      // overdue at `to`: t1 (due 04-27, open), t3 (due 05-30, completed only 06-03),
      //   t7 (due 05-31T23:30, open) → 3; t4 is due after `to`; t6 held out
      const report = await overviewReport(q, { from: FROM, to: TO });
      expect(report.tasks).toEqual({ created: 4, completed: 2, overdue: 3 });
    });

    it('a period before any order: no customers, no rates', async () => {
      const report = await overviewReport(q, {
        from: new Date('2020-01-01T00:00:00Z'),
        to: new Date('2020-02-01T00:00:00Z'),
      });
      expect(report.customers).toEqual({
        start: 0,
        new: 0,
        end: 0,
        churned: 0,
        wonBack: 0,
        newChurned: 0,
        retentionRate: null,
        churnRate: null,
      });
      expect(report.orders.repeatPurchaseRate).toBeNull();
      expect(report.revenue).toEqual({ new: 0, returning: 0, total: 0, newShare: null });
      expect(report.checkIns.problemRate).toBeNull();
    });
  });

  describe('rules', () => {
    it('treated and held-out customers and conversions of the entries made in the period', async () => {
      // R1 (post-purchase): entries in May m1 (A), m2 (B), m7 (A) treated, m3 (C) held out
      //   → treated 2 customers, holdout 1. Conversions on those entries: A on m7 (30),
      //   C on m3 → 1 and 1. B's conversion is on m8 (April): not this cohort.
      //   rates 1/2 and 1/1; lift = (0.5 − 1) / 1 = −0.5;
      //   pooled 2/3, se = sqrt(2/3 × 1/3 × (1/2 + 1/1)) = 0.5773502692, z = −0.8660254038,
      //   p = erfc(0.8660254038 / √2) = 0.3864762308; too small to tell.
      // R2 (product-extras): m4 (D, suppressed: still treated) → 1 treated, no holdout.
      // R3 (sales-touchpoints): tasks t2 (I) treated, t6 (J) held out and converted →
      //   rates 0 and 1, lift −1; pooled 1/2, se = sqrt(1/4 × 2) = 0.7071067812,
      //   z = −1.4142135624, p = erfc(1) = 0.1572992071.
      // R4: no entries.
      const report = await rulesReport(q, { from: FROM, to: TO });
      const small = 'groups too small to tell (each needs at least 30 customers)';
      const noHoldout = 'no holdout group: lift cannot be measured';
      expect(report.rules).toEqual([
        {
          ruleId: rule.R1,
          name: 'Check in after delivery',
          module: 'post-purchase',
          status: 'active',
          customers: { treated: 2, holdout: 1 },
          conversions: { treated: 1, holdout: 1 },
          conversionRate: { treated: 0.5, holdout: 1 },
          attributedRevenue: 30,
          lift: -0.5,
          pValue: expect.closeTo(0.3864762308, 6),
          warning: small,
        },
        {
          ruleId: rule.R2,
          name: 'Offer a case',
          module: 'product-extras',
          status: 'active',
          customers: { treated: 1, holdout: 0 },
          conversions: { treated: 0, holdout: 0 },
          conversionRate: { treated: 0, holdout: null },
          attributedRevenue: 0,
          lift: null,
          pValue: null,
          warning: noHoldout,
        },
        {
          ruleId: rule.R4,
          name: 'Monday promotion',
          module: 'reinforcing-promotions',
          status: 'active',
          customers: { treated: 0, holdout: 0 },
          conversions: { treated: 0, holdout: 0 },
          conversionRate: { treated: null, holdout: null },
          attributedRevenue: 0,
          lift: null,
          pValue: null,
          warning: noHoldout,
        },
        {
          ruleId: rule.R3,
          name: 'Call key accounts',
          module: 'sales-touchpoints',
          status: 'active',
          customers: { treated: 1, holdout: 1 },
          conversions: { treated: 0, holdout: 1 },
          conversionRate: { treated: 0, holdout: 1 },
          attributedRevenue: 0,
          lift: -1,
          pValue: expect.closeTo(0.1572992071, 6),
          warning: small,
        },
      ]);
    });

    it('April holds R1’s older entry and its conversion', async () => {
      // April: m8 (B, sent) and its conversion (200); m5 is R2's, sent 04-30T23:59:59.999.
      const report = await rulesReport(q, {
        from: new Date('2026-04-01T00:00:00Z'),
        to: FROM,
      });
      const r1 = report.rules.find((r) => r.ruleId === rule.R1)!;
      expect(r1).toMatchObject({
        customers: { treated: 1, holdout: 0 },
        conversions: { treated: 1, holdout: 0 },
        attributedRevenue: 200,
      });
      expect(report.rules.find((r) => r.ruleId === rule.R2)!.customers.treated).toBe(1);
    });
  });

  describe('win-loss', () => {
    it('defections by reason and competitor with revenue, CLV, value tiers and comebacks', async () => {
      // Churned in May (latest event each): B (price, Acme; its 05-10 "service" is older),
      // E (service), I (price, Globex), K (price, Acme). C and G churned before May.
      //   price/Globex: I → revenue 300 + 45 = 345, clv 150, low, won back (ordered 05-06)
      //   price/Acme:   B, K → revenue 200 + 0, clv 900, one high, one unknown
      //   service/—:    E → revenue 70, clv 300, medium
      // by revenue, highest first. Totals: 4 customers, worth keeping B and E = 2, won back
      // 1, revenue 615, clv 1350.
      const report = await winLossReport(q, { from: FROM, to: TO });
      const t = (high: number, medium: number, low: number, unknown: number) => ({
        high,
        medium,
        low,
        unprofitable: 0,
        unknown,
      });
      expect(report.defections).toEqual({
        total: { customers: 4, worthKeeping: 2, wonBack: 1, revenue: 615, clv: 1350 },
        byReason: [
          {
            reason: 'price',
            competitor: 'Globex',
            customers: 1,
            wonBack: 1,
            revenue: 345,
            clv: 150,
            valueTiers: t(0, 0, 1, 0),
          },
          {
            reason: 'price',
            competitor: 'Acme',
            customers: 2,
            wonBack: 0,
            revenue: 200,
            clv: 900,
            valueTiers: t(1, 0, 0, 1),
          },
          {
            reason: 'service',
            competitor: null,
            customers: 1,
            wonBack: 0,
            revenue: 70,
            clv: 300,
            valueTiers: t(0, 1, 0, 0),
          },
        ],
      });
    });

    it('cancellations and returns in the period by reason, with their value', async () => {
      // Cancelled in May: F's two (too_slow, 90 + 10), L's (price, 25; placed in April),
      // D's (no reason, 15). G's was cancelled in April. Most orders first.
      // Returned in May: J's (wrong_size, 500; placed in April), D's (damaged, 80).
      const report = await winLossReport(q, { from: FROM, to: TO });
      const none = { high: 0, medium: 0, low: 0, unprofitable: 0, unknown: 1 };
      expect(report.cancellations).toEqual({
        total: { orders: 4, value: 140 },
        byReason: [
          { reason: 'too_slow', orders: 2, customers: 1, value: 100, valueTiers: none },
          {
            reason: 'price',
            orders: 1,
            customers: 1,
            value: 25,
            valueTiers: { ...none, medium: 1, unknown: 0 },
          },
          { reason: null, orders: 1, customers: 1, value: 15, valueTiers: none },
        ],
      });
      expect(report.returns).toEqual({
        total: { orders: 2, value: 580 },
        byReason: [
          { reason: 'wrong_size', orders: 1, customers: 1, value: 500, valueTiers: none },
          { reason: 'damaged', orders: 1, customers: 1, value: 80, valueTiers: none },
        ],
      });
    });

    it('lists the lost customers worth keeping first, then by lifetime value', async () => {
      // Worth keeping (high, medium): B (clv 900), E (clv 300); then I (150), K (no clv).
      const report = await winLossReport(q, { from: FROM, to: TO });
      expect(report.lostCustomers.map((c) => [c.customerId, c.worthKeeping])).toEqual([
        ['B', true],
        ['E', true],
        ['I', false],
        ['K', false],
      ]);
      expect(report.lostCustomers[0]).toEqual({
        customerId: 'B',
        email: 'b@example.com',
        firstName: 'Customer B',
        lastName: null,
        valueTier: 'high',
        worthKeeping: true,
        clv: 900,
        revenue: 200,
        ordersCount: 1,
        lastOrderAt: at('2026-02-01'),
        churnedAt: at('2026-05-12'),
        reason: 'price',
        competitor: 'Acme',
        note: 'switching',
        wonBack: false,
      });
      expect(report.lostCustomers[2]).toMatchObject({
        customerId: 'I',
        wonBack: true,
        revenue: 345,
      });
      expect(report.lostCustomers[3]).toMatchObject({ customerId: 'K', clv: null, revenue: 0 });
    });

    it('limits the list, keeping its order', async () => {
      const report = await winLossReport(q, { from: FROM, to: TO }, 2);
      expect(report.lostCustomers.map((c) => c.customerId)).toEqual(['B', 'E']);
      expect(report.defections.total.customers).toBe(4);
    });
  });
});
