import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { parseCsv } from '../support/csv';
import { createTestApp, TestApp } from '../support/test-app';

/*
 * The three reports through HTTP, JSON and CSV, on data sent in as events. The metrics
 * themselves are checked one by one in reports-metrics.e2e-spec.ts; here, that the API
 * serves them: roles, the period, validation, content negotiation and the CSV files.
 *
 * March 2025, [2025-03-01T00:00Z, 2025-04-01T00:00Z):
 *   r-ann  ordered 02-10 (100), 03-05 (40), 03-20 (60)            → at the start, kept
 *   r-bob  ordered 02-15 (200), churned 03-10 (price, Acme)          → at the start, lost
 *   r-cy   ordered 03-03 (50), 03-04 (30, returned 03-08 "damaged"),
 *          03-06 (20, cancelled 03-07 "=1+1")                        → new
 * S = 2 (ann, bob), N = 1 (cy), E = 2 (ann, cy): retention (2 − 1) / 2 = 0.5, churn 1 / 2.
 * Orders in March not cancelled: ann 2, cy 2 → 4 orders, 2 customers, both repeat → 1.
 * Revenue: new = cy 50 (the returned 30 is not revenue); returning = ann 100.
 */
const PERIOD = 'from=2025-03-01T00:00:00Z&to=2025-04-01T00:00:00Z';
const FILE_PERIOD = '20250301T000000Z_20250401T000000Z';

function expectProblem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
}

describe('reports over HTTP', () => {
  let t: TestApp;
  let marketer: string;
  const get = (path: string, accept?: string) => {
    const req = t.http.get(path).set('Authorization', `Bearer ${marketer}`);
    return accept ? req.set('Accept', accept) : req;
  };

  beforeAll(async () => {
    t = await createTestApp();
    marketer = await t.keyFor('marketer');
    const ingest = await t.keyFor('ingest');
    const events: object[] = [];
    const add = (customerId: string, type: string, day: string, properties: object) =>
      events.push({
        id: `rep-${randomUUID()}`,
        type,
        customerId,
        occurredAt: `2025-${day}T12:00:00Z`,
        properties,
        customer: { email: `${customerId}@example.com`, firstName: customerId.slice(2) },
      });
    const placed = (customerId: string, orderId: string, day: string, total: number) =>
      add(customerId, 'order.placed', day, {
        orderId,
        items: [{ sku: 'SKU-1', quantity: 1, unitPrice: total }],
        total,
        currency: 'EUR',
      });
    placed('r-ann', 'rep-o1', '02-10', 100);
    placed('r-ann', 'rep-o2', '03-05', 40);
    placed('r-ann', 'rep-o3', '03-20', 60);
    placed('r-bob', 'rep-o4', '02-15', 200);
    add('r-bob', 'customer.churned', '03-10', { reason: 'price', competitor: 'Acme' });
    placed('r-cy', 'rep-o5', '03-03', 50);
    placed('r-cy', 'rep-o6', '03-04', 30);
    add('r-cy', 'order.returned', '03-08', { orderId: 'rep-o6', reason: 'damaged' });
    placed('r-cy', 'rep-o7', '03-06', 20);
    add('r-cy', 'order.cancelled', '03-07', { orderId: 'rep-o7', reason: '=1+1' });
    const res = await t.http
      .post('/v1/events/batch')
      .set('Authorization', `Bearer ${ingest}`)
      .send({ events });
    expect(res.body).toMatchObject({ accepted: events.length, rejected: [] });
  });
  afterAll(() => t.close());

  const valueOf = async (externalId: string) => {
    const [row] = await t.db.query<{ value_tier: string | null; clv: string | null }[]>(
      'SELECT value_tier, clv FROM customers WHERE external_id = $1',
      [externalId],
    );
    return row;
  };

  describe('overview', () => {
    it('answers JSON by default', async () => {
      const res = await get(`/v1/reports/overview?${PERIOD}`).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toMatchObject({
        period: { from: '2025-03-01T00:00:00.000Z', to: '2025-04-01T00:00:00.000Z' },
        customers: {
          start: 2,
          new: 1,
          end: 2,
          churned: 1,
          wonBack: 0,
          newChurned: 0,
          retentionRate: 0.5,
          churnRate: 0.5,
        },
        orders: { orders: 4, customers: 2, repeatCustomers: 2, repeatPurchaseRate: 1 },
        revenue: { new: 50, returning: 100, total: 150, newShare: 50 / 150 },
        messages: [],
        checkIns: { asked: 0, answered: 0, answerRate: null, problemRate: null },
        cases: { opened: 0, resolved: 0 },
        tasks: { created: 0, completed: 0, overdue: 0 },
      });
    });

    it('answers a CSV attachment to Accept: text/csv', async () => {
      const res = await get(`/v1/reports/overview?${PERIOD}`, 'text/csv').expect(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="retention-overview_${FILE_PERIOD}.csv"`,
      );
      expect(res.headers.vary).toMatch(/Accept/);
      const rows = parseCsv(res.text);
      const value = (section: string, metric: string) =>
        rows.find((r) => r.section === section && r.metric === metric)?.value;
      expect(value('period', 'from')).toBe('2025-03-01T00:00:00.000Z');
      expect(value('customers', 'retentionRate')).toBe('0.5');
      expect(value('orders', 'repeatPurchaseRate')).toBe('1');
      expect(value('revenue', 'returning')).toBe('100');
      expect(value('checkIns', 'problemRate')).toBe('');
      expect(Object.keys(rows[0])).toEqual(['section', 'metric', 'module', 'status', 'value']);
    });

    it('prefers JSON when the client accepts both, and takes format=csv for links', async () => {
      const both = await get(`/v1/reports/overview?${PERIOD}`, 'application/json, text/csv');
      expect(both.headers['content-type']).toMatch(/^application\/json/);
      const csv = await get(`/v1/reports/overview?${PERIOD}&format=csv`).expect(200);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      const json = await get(`/v1/reports/overview?${PERIOD}&format=json`, 'text/csv');
      expect(json.headers['content-type']).toMatch(/^application\/json/);
    });

    it('covers the last 30 days when no period is given', async () => {
      const before = Date.now();
      const res = await get('/v1/reports/overview').expect(200);
      const { from, to } = res.body.period as { from: string; to: string };
      expect(Date.parse(to)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(to) - Date.parse(from)).toBe(30 * 24 * 3600 * 1000);
      expect(res.body.customers.new).toBe(0);
    });
  });

  describe('win-loss', () => {
    it('answers JSON with defections, cancellations, returns and the lost customers', async () => {
      // Value tiers and CLV are analytics' to compute (src/analytics/value), whenever it
      // does: the report must show what is stored, read on both sides of the request.
      const { body, tier } = await t.waitFor(async () => {
        const before = await valueOf('r-bob');
        const res = await get(`/v1/reports/win-loss?${PERIOD}`).expect(200);
        const after = await valueOf('r-bob');
        return JSON.stringify(before) === JSON.stringify(after)
          ? { body: res.body as Record<string, unknown>, tier: after }
          : null;
      });
      const worthKeeping = tier.value_tier === 'high' || tier.value_tier === 'medium';
      const clv = tier.clv === null ? 0 : Number(tier.clv);
      expect(body).toMatchObject({
        defections: {
          total: {
            customers: 1,
            worthKeeping: worthKeeping ? 1 : 0,
            wonBack: 0,
            revenue: 200,
            clv,
          },
          byReason: [{ reason: 'price', competitor: 'Acme', customers: 1, revenue: 200 }],
        },
        cancellations: {
          total: { orders: 1, value: 20 },
          byReason: [{ reason: '=1+1', orders: 1, value: 20 }],
        },
        returns: { byReason: [{ reason: 'damaged', orders: 1, customers: 1, value: 30 }] },
        lostCustomers: [
          {
            customerId: 'r-bob',
            email: 'r-bob@example.com',
            valueTier: tier.value_tier,
            worthKeeping,
            clv: tier.clv === null ? null : clv,
            revenue: 200,
            ordersCount: 1,
            churnedAt: '2025-03-10T12:00:00.000Z',
            reason: 'price',
            competitor: 'Acme',
            wonBack: false,
          },
        ],
      });
    });

    it('answers one CSV with a section column, formulas defused', async () => {
      const res = await get(`/v1/reports/win-loss?${PERIOD}`, 'text/csv').expect(200);
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="retention-win-loss_${FILE_PERIOD}.csv"`,
      );
      const rows = parseCsv(res.text);
      expect(rows.map((r) => r.section)).toEqual([
        'defections',
        'cancellations',
        'returns',
        'lostCustomers',
      ]);
      expect(rows[0]).toMatchObject({ reason: 'price', competitor: 'Acme', revenue: '200' });
      expect(rows[1]).toMatchObject({ reason: "'=1+1", orders: '1', value: '20' });
      expect(rows[3]).toMatchObject({
        customerId: 'r-bob',
        churnedAt: '2025-03-10T12:00:00.000Z',
      });
      expect(['true', 'false']).toContain(rows[3].worthKeeping);
    });
  });

  describe('rules', () => {
    it('lists every rule, JSON and CSV', async () => {
      const created = await t.http
        .post('/v1/rules')
        .set('Authorization', `Bearer ${marketer}`)
        .send({
          name: 'Reports check-in',
          module: 'post-purchase',
          trigger: { type: 'event', event: 'order.delivered' },
          action: { type: 'email', template: 'post-purchase.check-in', checkIn: true },
          holdoutPercent: 10,
        })
        .expect(201);
      const ruleId = (created.body as { id: string }).id;
      const res = await get(`/v1/reports/rules?${PERIOD}`).expect(200);
      expect(res.body.rules).toEqual([
        {
          ruleId,
          name: 'Reports check-in',
          module: 'post-purchase',
          status: 'draft',
          customers: { treated: 0, holdout: 0 },
          conversions: { treated: 0, holdout: 0 },
          conversionRate: { treated: null, holdout: null },
          attributedRevenue: 0,
          lift: null,
          pValue: null,
          warning: 'no holdout group: lift cannot be measured',
        },
      ]);
      const csv = await get(`/v1/reports/rules?${PERIOD}`, 'text/csv').expect(200);
      expect(csv.headers['content-disposition']).toBe(
        `attachment; filename="retention-rules_${FILE_PERIOD}.csv"`,
      );
      expect(parseCsv(csv.text)).toEqual([
        {
          ruleId,
          name: 'Reports check-in',
          module: 'post-purchase',
          status: 'draft',
          'customers.treated': '0',
          'customers.holdout': '0',
          'conversions.treated': '0',
          'conversions.holdout': '0',
          'conversionRate.treated': '',
          'conversionRate.holdout': '',
          attributedRevenue: '0',
          lift: '',
          pValue: '',
          warning: 'no holdout group: lift cannot be measured',
        },
      ]);
    });
  });

  describe('validation and roles', () => {
    it.each([
      ['from=2025-03-01', 'from'],
      ['to=last-week', 'to'],
      ['from=2025-04-01T00:00:00Z&to=2025-03-01T00:00:00Z', 'from'],
      ['from=2025-03-01T00:00:00Z&to=2025-03-01T00:00:00Z', 'from'],
      ['format=xlsx', 'format'],
      ['since=2025-03-01T00:00:00Z', 'since'],
    ])('?%s → 422 naming %s', async (query, path) => {
      for (const report of ['overview', 'rules', 'win-loss']) {
        const res = await get(`/v1/reports/${report}?${query}`);
        expectProblem(res, 422);
        expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([path]);
      }
    });

    it('refuses roles other than marketer and admin', async () => {
      const support = await t.keyFor('support');
      const res = await t.http
        .get(`/v1/reports/overview?${PERIOD}`)
        .set('Authorization', `Bearer ${support}`);
      expectProblem(res, 403);
      await t.http
        .get(`/v1/reports/win-loss?${PERIOD}`)
        .set('Authorization', `Bearer ${t.adminKey}`)
        .expect(200);
    });
  });
});
