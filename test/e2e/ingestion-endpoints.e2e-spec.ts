import { createHash } from 'node:crypto';
import type { Response } from 'supertest';
import { createTestApp, TestApp } from '../support/test-app';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function expectProblem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
}

const placed = (
  id: string,
  customerId: string,
  orderId: string,
  occurredAt: string,
  items: { sku: string; quantity: number; unitPrice: number }[],
  extra: Record<string, unknown> = {},
) => ({
  id,
  type: 'order.placed',
  customerId,
  occurredAt,
  properties: {
    orderId,
    items,
    total: items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0),
    currency: 'EUR',
    ...extra,
  },
});

describe('ingestion endpoints', () => {
  let t: TestApp;
  let key: string;
  const auth = () => ({ Authorization: `Bearer ${key}` });

  const put = (path: string, body: object) => t.http.put(path).set(auth()).send(body);
  const get = (path: string) => t.http.get(path).set(auth());
  const sendEvent = (event: object) =>
    t.http.post('/v1/events').set(auth()).send(event).expect(202);

  beforeAll(async () => {
    t = await createTestApp();
    key = await t.keyFor('ingest');
  });
  afterAll(() => t.close());

  describe('PUT /v1/customers/{id}', () => {
    it('creates with 201 and answers the stored customer', async () => {
      const res = await put('/v1/customers/ada', {
        email: 'ada@example.com',
        firstName: 'Ada',
        lastName: 'Lovelace',
        locale: 'en-GB',
        timezone: 'Europe/London',
        marketingConsent: true,
        attributes: { plan: 'pro', seats: 3 },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        id: 'ada',
        email: 'ada@example.com',
        firstName: 'Ada',
        lastName: 'Lovelace',
        locale: 'en-GB',
        timezone: 'Europe/London',
        marketingConsent: true,
        accountId: null,
        attributes: { plan: 'pro', seats: 3 },
        ordersCount: 0,
        totalSpent: 0,
        lastOrderAt: null,
        erased: false,
      });
    });

    it('gives a new customer without consent no consent', async () => {
      const res = await put('/v1/customers/bare', { email: 'bare@example.com' }).expect(201);
      expect(res.body).toMatchObject({
        firstName: null,
        locale: null,
        timezone: null,
        marketingConsent: false,
        attributes: {},
      });
    });

    it('updates with 200: omitted fields keep their value', async () => {
      const res = await put('/v1/customers/ada', { email: 'ada@example.com', lastName: 'King' });
      expect(res.status).toBe(200);
      const stored = (await get('/v1/customers/ada').expect(200)).body;
      expect(stored).toMatchObject({
        firstName: 'Ada',
        lastName: 'King',
        locale: 'en-GB',
        timezone: 'Europe/London',
        marketingConsent: true,
        attributes: { plan: 'pro', seats: 3 },
      });
      expect(res.body).toEqual(stored);
    });

    it('updates with 200: null clears a field, and the email can change', async () => {
      await put('/v1/customers/ada', {
        email: 'countess@example.com',
        firstName: null,
        locale: null,
        timezone: null,
      }).expect(200);
      expect((await get('/v1/customers/ada').expect(200)).body).toMatchObject({
        email: 'countess@example.com',
        firstName: null,
        lastName: 'King',
        locale: null,
        timezone: null,
        marketingConsent: true,
      });
    });

    it('replaces attributes when given and withdraws consent with false', async () => {
      await put('/v1/customers/ada', {
        email: 'countess@example.com',
        attributes: { plan: 'free' },
        marketingConsent: false,
      }).expect(200);
      expect((await get('/v1/customers/ada').expect(200)).body).toMatchObject({
        attributes: { plan: 'free' },
        marketingConsent: false,
      });
    });
  });

  describe('accounts and stakeholders', () => {
    it('creates an account with 201, updates it with 200, and keeps omitted fields', async () => {
      const created = await put('/v1/accounts/acme', {
        name: 'Acme',
        ownerEmail: 'rep@example.com',
        ownerName: 'Rita Rep',
        attributes: { tier: 'gold' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        id: 'acme',
        name: 'Acme',
        ownerEmail: 'rep@example.com',
        ownerName: 'Rita Rep',
        attributes: { tier: 'gold' },
        stakeholders: [],
      });

      const updated = await put('/v1/accounts/acme', {
        name: 'Acme Corp',
        ownerEmail: 'rep2@example.com',
      });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({
        name: 'Acme Corp',
        ownerEmail: 'rep2@example.com',
        ownerName: 'Rita Rep',
        attributes: { tier: 'gold' },
      });

      await put('/v1/accounts/acme', {
        name: 'Acme Corp',
        ownerEmail: 'rep2@example.com',
        ownerName: null,
        attributes: {},
      }).expect(200);
      expect((await get('/v1/accounts/acme').expect(200)).body).toMatchObject({
        ownerName: null,
        attributes: {},
      });
    });

    it('links customers with accountId and lists them as stakeholders, sorted', async () => {
      for (const id of ['zoe', 'bea']) {
        const res = await put(`/v1/customers/${id}`, {
          email: `${id}@acme.example`,
          accountId: 'acme',
        });
        expect(res.status).toBe(201);
        expect(res.body.accountId).toBe('acme');
      }
      expect((await get('/v1/accounts/acme').expect(200)).body.stakeholders).toEqual([
        'bea',
        'zoe',
      ]);
    });

    it('keeps the link when accountId is omitted and drops it with null', async () => {
      await put('/v1/customers/zoe', { email: 'zoe@acme.example' }).expect(200);
      expect((await get('/v1/customers/zoe')).body.accountId).toBe('acme');
      await put('/v1/customers/zoe', { email: 'zoe@acme.example', accountId: null }).expect(200);
      expect((await get('/v1/customers/zoe')).body.accountId).toBeNull();
      expect((await get('/v1/accounts/acme')).body.stakeholders).toEqual(['bea']);
    });

    it('refuses an unknown account with 422 at accountId and stores nothing', async () => {
      const res = await put('/v1/customers/orphan', {
        email: 'orphan@example.com',
        accountId: 'no-such-account',
      });
      expectProblem(res, 422);
      expect(res.body.errors).toEqual([{ path: 'accountId', message: 'unknown account' }]);
      expectProblem(await get('/v1/customers/orphan'), 404);

      const existing = await put('/v1/customers/bea', {
        email: 'bea@acme.example',
        accountId: 'no-such-account',
      });
      expectProblem(existing, 422);
      expect((await get('/v1/customers/bea')).body.accountId).toBe('acme');
    });
  });

  describe('GET /v1/customers/{id} and its orders', () => {
    beforeAll(async () => {
      await put('/v1/customers/olga', { email: 'olga@example.com' }).expect(201);
      await sendEvent(
        placed('olga-1', 'olga', 'olga-o1', '2026-05-01T09:00:00+02:00', [
          { sku: 'LAPTOP-13', quantity: 1, unitPrice: 80 },
          { sku: 'CASE', quantity: 2, unitPrice: 10.25 },
        ]),
      );
      await sendEvent(
        placed(
          'olga-2',
          'olga',
          'olga-o2',
          '2026-05-03T12:00:00Z',
          [{ sku: 'INK', quantity: 3, unitPrice: 10 }],
          { couponCode: 'SPRING' },
        ),
      );
      await sendEvent({
        id: 'olga-2-delivered',
        type: 'order.delivered',
        customerId: 'olga',
        occurredAt: '2026-05-05T08:00:00Z',
        properties: { orderId: 'olga-o2' },
      });
    });

    it('answers order statistics and a value tier', async () => {
      const res = await get('/v1/customers/olga').expect(200);
      expect(res.body).toMatchObject({
        id: 'olga',
        ordersCount: 2,
        totalSpent: 130.5,
        firstOrderAt: '2026-05-01T07:00:00.000Z',
        lastOrderAt: '2026-05-03T12:00:00.000Z',
      });
      expect(res.body).toHaveProperty('valueTier');
      expect([null, 'string']).toContain(
        res.body.valueTier === null ? null : typeof res.body.valueTier,
      );
    });

    it('lists the orders newest first with their items and lifecycle', async () => {
      const res = await get('/v1/customers/olga/orders').expect(200);
      expect(res.body.items).toEqual([
        {
          id: 'olga-o2',
          status: 'delivered',
          total: 30,
          currency: 'EUR',
          couponCode: 'SPRING',
          placedAt: '2026-05-03T12:00:00.000Z',
          deliveredAt: '2026-05-05T08:00:00.000Z',
          cancelledAt: null,
          returnedAt: null,
          items: [{ sku: 'INK', quantity: 3, unitPrice: 10 }],
        },
        {
          id: 'olga-o1',
          status: 'placed',
          total: 100.5,
          currency: 'EUR',
          couponCode: null,
          placedAt: '2026-05-01T07:00:00.000Z',
          deliveredAt: null,
          cancelledAt: null,
          returnedAt: null,
          items: [
            { sku: 'LAPTOP-13', quantity: 1, unitPrice: 80 },
            { sku: 'CASE', quantity: 2, unitPrice: 10.25 },
          ],
        },
      ]);
    });

    it('answers an empty list for a customer without orders', async () => {
      expect((await get('/v1/customers/bare/orders').expect(200)).body).toEqual({ items: [] });
    });
  });

  describe('DELETE /v1/customers/{id}', () => {
    beforeAll(async () => {
      await put('/v1/customers/erin', {
        email: 'Erin.Mixed@Example.COM',
        firstName: 'Erin',
        lastName: 'Example',
        accountId: 'acme',
        marketingConsent: true,
        attributes: { phone: '+33 6 00 00 00 00' },
      }).expect(201);
      await sendEvent(
        placed(
          'erin-1',
          'erin',
          'erin-o1',
          '2026-05-02T10:00:00Z',
          [{ sku: 'LAPTOP-13', quantity: 1, unitPrice: 42 }],
          { giftMessage: 'Happy birthday, Erin' },
        ),
      );
    });

    const suppressions = () =>
      t.db.query<{ email_hash: string; reason: string; scope: string }[]>(
        'SELECT email_hash, reason, scope FROM suppressions ORDER BY id',
      );

    it('answers 204 and erases personal data but keeps order statistics', async () => {
      const res = await t.http.delete('/v1/customers/erin').set(auth());
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect((await get('/v1/customers/erin').expect(200)).body).toMatchObject({
        id: 'erin',
        email: null,
        firstName: null,
        lastName: null,
        attributes: {},
        marketingConsent: false,
        erased: true,
        ordersCount: 1,
        totalSpent: 42,
        lastOrderAt: '2026-05-02T10:00:00.000Z',
      });
      const orders = (await get('/v1/customers/erin/orders').expect(200)).body.items;
      expect(orders).toMatchObject([{ id: 'erin-o1', total: 42 }]);
    });

    it('keeps a suppression keyed by the SHA-256 of the lower-cased email', async () => {
      expect(await suppressions()).toEqual([
        { email_hash: sha256('erin.mixed@example.com'), reason: 'erased', scope: 'all' },
      ]);
    });

    it('drops the text of the customer’s events and removes them from account stakeholders', async () => {
      expect((await get('/v1/events/erin-1').expect(200)).body.properties).toEqual({});
      expect((await get('/v1/accounts/acme')).body.stakeholders).not.toContain('erin');
    });

    it('is idempotent: a second DELETE answers 204 and adds no suppression', async () => {
      await t.http.delete('/v1/customers/erin').set(auth()).expect(204);
      expect(await suppressions()).toHaveLength(1);
      expect((await get('/v1/customers/erin')).body.erased).toBe(true);
    });

    it('refuses to re-create the erased customer with 409', async () => {
      const res = await put('/v1/customers/erin', { email: 'erin.mixed@example.com' });
      expectProblem(res, 409);
      expect((await get('/v1/customers/erin')).body.email).toBeNull();
    });
  });

  describe('PUT /v1/products/{sku}', () => {
    const laptop = {
      name: 'Laptop 13',
      price: 999.99,
      currency: 'EUR',
      category: 'computers',
      url: 'https://shop.example/laptop-13',
      margin: 0.35,
      attributes: { weightKg: 1.2 },
      extras: [
        { sku: 'CASE-13', kind: 'accessory' },
        { sku: 'WARRANTY-3Y', kind: 'warranty' },
      ],
    };

    it('creates with 201 and lists the extras in the given order', async () => {
      const res = await put('/v1/products/LAPTOP-13', laptop);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ ...laptop, sku: 'LAPTOP-13' });
      expect((await get('/v1/products/LAPTOP-13').expect(200)).body).toEqual(res.body);
    });

    it('keeps extras and optional fields when they are omitted', async () => {
      const res = await put('/v1/products/LAPTOP-13', {
        name: 'Laptop 13 (2026)',
        price: 899,
        currency: 'EUR',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        name: 'Laptop 13 (2026)',
        price: 899,
        category: 'computers',
        url: 'https://shop.example/laptop-13',
        margin: 0.35,
        attributes: { weightKg: 1.2 },
        extras: laptop.extras,
      });
    });

    it('replaces the extras when given, and clears them with []', async () => {
      const replaced = await put('/v1/products/LAPTOP-13', {
        name: 'Laptop 13 (2026)',
        price: 899,
        currency: 'EUR',
        extras: [
          { sku: 'SLEEVE-13', kind: 'accessory' },
          { sku: 'SETUP', kind: 'service' },
          { sku: 'CASE-13', kind: 'accessory' },
        ],
      }).expect(200);
      expect(replaced.body.extras).toEqual([
        { sku: 'SLEEVE-13', kind: 'accessory' },
        { sku: 'SETUP', kind: 'service' },
        { sku: 'CASE-13', kind: 'accessory' },
      ]);
      const cleared = await put('/v1/products/LAPTOP-13', {
        name: 'Laptop 13 (2026)',
        price: 899,
        currency: 'EUR',
        extras: [],
      }).expect(200);
      expect(cleared.body.extras).toEqual([]);
    });

    it('clears optional fields with null', async () => {
      const res = await put('/v1/products/LAPTOP-13', {
        name: 'Laptop 13 (2026)',
        price: 899,
        currency: 'EUR',
        category: null,
        url: null,
        margin: null,
      }).expect(200);
      expect(res.body).toMatchObject({ category: null, url: null, margin: null });
    });

    it.each([0, 1])('accepts a margin of exactly %p', async (margin) => {
      const res = await put(`/v1/products/EDGE-${margin}`, {
        name: 'Edge',
        price: 0,
        currency: 'JPY',
        margin,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ price: 0, currency: 'JPY', margin });
    });

    it('refuses an extra listed twice, and keeps the stored extras', async () => {
      await put('/v1/products/PHONE', {
        name: 'Phone',
        price: 500,
        currency: 'EUR',
        extras: [{ sku: 'CASE-P', kind: 'accessory' }],
      }).expect(201);
      const res = await put('/v1/products/PHONE', {
        name: 'Phone',
        price: 500,
        currency: 'EUR',
        extras: [
          { sku: 'CASE-P', kind: 'accessory' },
          { sku: 'CASE-P', kind: 'upgrade' },
        ],
      });
      expectProblem(res, 422);
      expect(res.body.errors).toEqual([{ path: 'extras', message: 'lists a SKU twice' }]);
      expect((await get('/v1/products/PHONE')).body.extras).toEqual([
        { sku: 'CASE-P', kind: 'accessory' },
      ]);
    });
  });

  describe('unknown ids', () => {
    it.each([
      ['GET', '/v1/customers/nobody'],
      ['GET', '/v1/customers/nobody/orders'],
      ['DELETE', '/v1/customers/nobody'],
      ['GET', '/v1/accounts/nobody'],
      ['GET', '/v1/products/NO-SUCH-SKU'],
      ['GET', '/v1/events/no-such-event'],
    ])('%s %s answers 404 problem+json', async (method, path) => {
      const res = await (method === 'GET' ? t.http.get(path) : t.http.delete(path)).set(auth());
      expectProblem(res, 404);
      expect(res.body.detail).toContain(path.split('/')[3]);
    });

    it('answers 422 at the route parameter for an id that cannot exist', async () => {
      const res = await get(`/v1/customers/${'x'.repeat(201)}`);
      expectProblem(res, 422);
      expect(res.body.errors).toEqual([
        { path: 'externalId', message: 'must be at most 200 characters' },
      ]);
    });
  });
});
