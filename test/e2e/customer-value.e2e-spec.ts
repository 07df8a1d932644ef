import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { signToken } from '../../src/common/auth/link-tokens';
import { Clock } from '../../src/common/clock';
import { CHECK_IN_PURPOSE } from '../../src/mix/post-purchase/check-in-links';
import {
  COHORT,
  EXPECTED,
  EXPECTED_THRESHOLDS,
  PRODUCTS,
} from '../unit/analytics/value/cohort.fixture';
import { createTestApp, TestApp } from '../support/test-app';

const DAY_MS = 86_400_000;

interface CustomerBody {
  id: string;
  ordersCount: number;
  revenue: number;
  grossMargin: number | null;
  costToServe: number | null;
  clv: number | null;
  rfm: { recency: number; frequency: number; monetary: number } | null;
  rfmSegment: string | null;
  valueTier: string | null;
  valueComputedAt: string | null;
}

interface ReportBody {
  tiers: Record<string, number>;
  segments: Record<string, number>;
  thresholds: {
    trigger: string;
    cohort: number;
    recencyDays: number[];
    frequency: number[];
    monetary: number[];
    clv: { high: number; medium: number };
  } | null;
  lastRun: { trigger: string; cohort: number; updated: number; finishedAt: string } | null;
}

const valueOf = (c: CustomerBody) => ({
  revenue: c.revenue,
  grossMargin: c.grossMargin,
  costToServe: c.costToServe,
  clv: c.clv,
  rfm: c.rfm,
  segment: c.rfmSegment,
  tier: c.valueTier,
});

/**
 * Customer value through the API: the hand-worked cohort of cohort.fixture.ts sent as
 * products, customers, order events and check-in answers; a recompute for everyone; the
 * figures on GET /v1/customers/{id}; later events refreshing one customer at once, seen by
 * rule conditions. The app's clock is pinned, so every figure is exact.
 */
describe('customer value', () => {
  let t: TestApp;
  let admin: string;
  let ingest: string;
  let marketer: string;
  let support: string;
  let outbox: string;
  const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
  const daysBefore = (days: number) => new Date(NOW.getTime() - days * DAY_MS);

  beforeAll(async () => {
    outbox = mkdtempSync(join(tmpdir(), 'rm-value-'));
    t = await createTestApp({ OUTBOX_DIR: outbox });
    jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => new Date(NOW));
    admin = t.adminKey;
    [ingest, marketer, support] = await Promise.all([
      t.keyFor('ingest'),
      t.keyFor('marketer'),
      t.keyFor('support'),
    ]);
  });

  afterAll(async () => {
    await t?.close();
    rmSync(outbox, { recursive: true, force: true });
  });

  const as = (key: string) => ({
    get: (path: string) => t.http.get(path).set('Authorization', `Bearer ${key}`),
    post: (path: string, body?: object) =>
      t.http.post(path).set('Authorization', `Bearer ${key}`).send(body),
    put: (path: string, body: object) =>
      t.http.put(path).set('Authorization', `Bearer ${key}`).send(body),
  });

  const sendEvent = async (
    customerId: string,
    type: string,
    occurredAt: Date,
    properties: object,
  ) => {
    const id = `ev-${randomUUID()}`;
    await as(ingest)
      .post('/v1/events', {
        id,
        type,
        customerId,
        occurredAt: occurredAt.toISOString(),
        properties,
      })
      .expect(202);
    return id;
  };

  const customer = async (id: string) =>
    (await as(marketer).get(`/v1/customers/${id}`).expect(200)).body as CustomerBody;

  const report = async () =>
    (await as(marketer).get('/v1/analytics/value-tiers').expect(200)).body as ReportBody;

  /** Every event sent so far has been evaluated (its refresh done, its rules entered). */
  const allEvaluated = () =>
    t.waitFor(async () => {
      const [{ n }] = await t.db.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM events WHERE evaluated_at IS NULL',
      );
      return n === 0;
    }, 30_000);

  /** A support case through the real flow: a check-in answered "problem" opens it. */
  const openCase = async (customerId: string) => {
    const res = await as(support).post('/v1/check-ins', { customerId }).expect(201);
    const token = signToken(
      t.config.tokenSecret,
      CHECK_IN_PURPOSE,
      (res.body as { id: string }).id,
    );
    await t.http
      .post(`/c/${token}`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ answer: 'problem', comment: 'It broke' }))
      .expect((r) => expect(r.status).toBeLessThan(400));
  };

  it('before any computation, a customer has no value figures', async () => {
    await as(ingest).put('/v1/customers/early', { email: 'early@example.com' }).expect(201);
    expect(valueOf(await customer('early'))).toEqual({
      revenue: 0,
      grossMargin: null,
      costToServe: null,
      clv: null,
      rfm: null,
      segment: null,
      tier: null,
    });
  });

  it('recomputed for everyone, shows the hand-worked figures on GET /v1/customers/{id}', async () => {
    for (const [sku, margin] of Object.entries(PRODUCTS))
      await as(ingest)
        .put(`/v1/products/${sku}`, {
          name: `Product ${sku}`,
          price: 100,
          currency: 'EUR',
          ...(margin === null ? {} : { margin }),
        })
        .expect((r) => expect([200, 201]).toContain(r.status));

    for (const c of COHORT) {
      await as(ingest)
        .put(`/v1/customers/${c.id}`, { email: `${c.id.toLowerCase()}@example.com` })
        .expect(201);
      const [{ id: internalId }] = await t.db.query<{ id: string }[]>(
        'SELECT id FROM customers WHERE external_id = $1',
        [c.id],
      );
      for (const [index, order] of c.orders.entries()) {
        const orderId = `${c.id}-${index}`;
        let couponCode: string | undefined;
        if (order.couponPercent !== undefined) {
          // Fixture shortcut: a personal code as a promotion rule would have issued it; the
          // order below redeems it through the real path (the promotions module's hook).
          couponCode = `FIX-${c.id}-${index}`;
          await t.db.query(
            `INSERT INTO promotions (id, dedupe_key, code, customer_id, discount_percent, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)`,
            [
              randomUUID(),
              `fixture.${couponCode}`,
              couponCode,
              internalId,
              order.couponPercent,
              NOW,
            ],
          );
        }
        const placedAt = daysBefore(order.daysAgo);
        await sendEvent(c.id, 'order.placed', placedAt, {
          orderId,
          items: order.items,
          total: order.total,
          currency: 'EUR',
          ...(couponCode ? { couponCode } : {}),
        });
        const later = new Date(placedAt.getTime() + DAY_MS / 2);
        if (order.cancelled) await sendEvent(c.id, 'order.cancelled', later, { orderId });
        if (order.returned)
          await sendEvent(c.id, 'order.returned', later, { orderId, reason: 'did not fit' });
      }
      for (let i = 0; i < c.cases; i++) await openCase(c.id);
    }
    await allEvaluated();
    const [{ redeemed }] = await t.db.query<{ redeemed: number }[]>(
      'SELECT count(*)::int AS redeemed FROM promotions WHERE redeemed_at IS NOT NULL',
    );
    expect(redeemed).toBe(2);
    const [{ cases }] = await t.db.query<{ cases: number }[]>(
      'SELECT count(*)::int AS cases FROM cases',
    );
    expect(cases).toBe(2);

    const res = await as(admin).post('/v1/analytics/value-tiers/recompute').expect(202);
    expect(res.body).toEqual({
      jobId: expect.stringMatching(/^value-tiers\.manual\./),
      status: 'queued',
    });
    const run = await t.waitFor(async () => (await report()).lastRun, 30_000);
    expect(run).toMatchObject({ trigger: 'manual', cohort: 5, updated: COHORT.length + 1 });

    for (const c of COHORT) {
      expect([c.id, valueOf(await customer(c.id))]).toEqual([c.id, EXPECTED[c.id]]);
    }
    // The customer without orders or cases.
    expect((await customer('early')).valueTier).toBe('low');
  });

  it('GET /v1/analytics/value-tiers: the distribution and the boundaries', async () => {
    const body = await report();
    expect(body.tiers).toEqual({ high: 1, medium: 1, low: 4, unprofitable: 2, notComputed: 0 });
    expect(body.segments).toEqual({
      new: 1,
      champions: 2,
      'at-risk': 1,
      loyal: 0,
      potential: 0,
      hibernating: 1,
      noOrders: 3,
      notComputed: 0,
    });
    expect(body.thresholds).toMatchObject({
      trigger: 'manual',
      cohort: EXPECTED_THRESHOLDS.customers,
      recencyDays: EXPECTED_THRESHOLDS.rfm.recencyDays,
      frequency: EXPECTED_THRESHOLDS.rfm.frequency,
      monetary: EXPECTED_THRESHOLDS.rfm.monetary,
      clv: EXPECTED_THRESHOLDS.clv,
    });
  });

  it('a return arriving later updates that customer at once, before rules see them', async () => {
    const before = await report();
    await as(marketer)
      .put('/v1/templates/test.value', {
        subject: 'About your return, {{customer.firstName}}',
        html: '<p>We are sorry it did not work out.</p>{{> footer}}',
      })
      .expect(201);
    const rule = await as(marketer)
      .post('/v1/rules', {
        name: 'Unprofitable after a return',
        module: 'post-purchase',
        trigger: { type: 'event', event: 'order.returned' },
        conditions: { field: 'customer.valueTier', op: 'eq', value: 'unprofitable' },
        action: { type: 'email', template: 'test.value' },
        reentry: 'always',
        status: 'active',
      })
      .expect(201);
    const ruleId = (rule.body as { id: string }).id;

    // A returns their latest order (5 days ago): revenue 500.00, margin 250.00, cost 10.00,
    // CLV 250 × 3 ÷ 2 = 375.00 — above 365.25 but not 450: still medium; the returned order
    // is still an order, so R 4 F 4 M 4 (500 > 200): champions.
    await sendEvent('A', 'order.returned', daysBefore(1), { orderId: 'A-5' });
    // B returns the order of 200 days ago: revenue 100.00, margin 30.00, cost 15 + 2 × 10 =
    // 35.00 > 30.00 → unprofitable, which the rule's condition sees.
    await sendEvent('B', 'order.returned', daysBefore(1), { orderId: 'B-1' });
    // F's first order, 100.00 of NOM yesterday: margin 30.00, CLV 30 × 3 ÷ (30 ÷ 365.25) =
    // 1,095.75 > 450 → high; one order within 30 days → new; R 5 (1 day is not above 1),
    // F 1, M 2 (100 > 50).
    await sendEvent('F', 'order.placed', daysBefore(1), {
      orderId: 'F-0',
      items: [{ sku: 'NOM', quantity: 1, unitPrice: 100 }],
      total: 100,
      currency: 'EUR',
    });
    await allEvaluated();

    expect(valueOf(await customer('A'))).toEqual({
      revenue: 500,
      grossMargin: 250,
      costToServe: 10,
      clv: 375,
      rfm: { recency: 4, frequency: 4, monetary: 4 },
      segment: 'champions',
      tier: 'medium',
    });
    expect(valueOf(await customer('B'))).toEqual({
      revenue: 100,
      grossMargin: 30,
      costToServe: 35,
      clv: 90,
      rfm: { recency: 2, frequency: 3, monetary: 2 },
      segment: 'at-risk',
      tier: 'unprofitable',
    });
    expect(valueOf(await customer('F'))).toEqual({
      revenue: 100,
      grossMargin: 30,
      costToServe: 0,
      clv: 1095.75,
      rfm: { recency: 5, frequency: 1, monetary: 2 },
      segment: 'new',
      tier: 'high',
    });
    // Without the nightly job: the last run is the same one.
    expect((await report()).lastRun).toEqual(before.lastRun);

    // The rule's condition saw B's fresh tier (unprofitable), and A's (medium) kept A out.
    const entered = await t.db.query<{ external_id: string }[]>(
      `SELECT c.external_id FROM messages m JOIN customers c ON c.id = m.customer_id
        WHERE m.rule_id = $1`,
      [ruleId],
    );
    expect(entered.map((r) => r.external_id)).toEqual(['B']);
  });
});
