import { createTestApp, TestApp } from '../support/test-app';

describe('events', () => {
  let t: TestApp;
  let key: string;
  const auth = () => ({ Authorization: `Bearer ${key}` });

  const placed = (id: string, customerId: string, orderId: string, total: number, at: string) => ({
    id,
    type: 'order.placed',
    customerId,
    occurredAt: at,
    properties: {
      orderId,
      items: [{ sku: 'SKU-1', quantity: 1, unitPrice: total }],
      total,
      currency: 'EUR',
    },
  });

  const customer = async (id: string) => {
    const res = await t.http.get(`/v1/customers/${id}`).set(auth());
    expect(res.status).toBe(200);
    return res.body as {
      ordersCount: number;
      totalSpent: number;
      firstOrderAt: string;
      lastOrderAt: string;
    };
  };

  const evaluationCounts = async () =>
    (
      await t.db.query<{ id: string; evaluation_count: number }[]>(
        'SELECT id, evaluation_count FROM events',
      )
    ).reduce((acc, row) => acc.set(row.id, row.evaluation_count), new Map<string, number>());

  beforeAll(async () => {
    t = await createTestApp();
    key = await t.keyFor('ingest');
    for (const id of ['alice', 'bob', 'carol']) {
      await t.http
        .put(`/v1/customers/${id}`)
        .set(auth())
        .send({ email: `${id}@example.com` })
        .expect(201);
    }
  });
  afterAll(() => t.close());

  it('accepts an event, stores it and hands it to the evaluate queue once', async () => {
    const res = await t.http
      .post('/v1/events')
      .set(auth())
      .send({
        id: 'evt-viewed-1',
        type: 'product.viewed',
        customerId: 'alice',
        occurredAt: '2026-01-05T10:00:00+01:00',
        properties: { sku: 'SKU-1' },
      });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: 'evt-viewed-1', status: 'accepted' });
    const seen = await t.waitFor(async () => {
      const r = await t.http.get('/v1/events/evt-viewed-1').set(auth());
      return r.body.evaluatedAt ? r.body : null;
    });
    expect(seen).toMatchObject({
      type: 'product.viewed',
      customerId: 'alice',
      properties: { sku: 'SKU-1' },
    });
    expect(seen.occurredAt).toBe('2026-01-05T09:00:00.000Z');
    expect((await evaluationCounts()).get('evt-viewed-1')).toBe(1);
  });

  it('answers duplicate for a known id and changes nothing', async () => {
    const body = placed('evt-dup-1', 'bob', 'order-dup', 40, '2026-02-01T10:00:00Z');
    await t.http
      .post('/v1/events')
      .set(auth())
      .send(body)
      .expect(202, { id: 'evt-dup-1', status: 'accepted' });
    const again = await t.http
      .post('/v1/events')
      .set(auth())
      .send({ ...body, properties: { ...body.properties, total: 999 } });
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ id: 'evt-dup-1', status: 'duplicate' });
    expect((await customer('bob')).totalSpent).toBe(40);
  });

  it('keeps one event when 50 requests with the same id arrive at once', async () => {
    const body = placed('evt-race', 'carol', 'order-race', 25, '2026-03-01T10:00:00Z');
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => t.http.post('/v1/events').set(auth()).send(body)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(202));
    const statuses = answers.map((a) => (a.body as { status: string }).status);
    expect(statuses.filter((s) => s === 'accepted')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(49);
    const c = await customer('carol');
    expect(c.ordersCount).toBe(1);
    expect(c.totalSpent).toBe(25);
    await t.waitFor(async () => (await evaluationCounts()).get('evt-race') === 1);
    // Give a stray second job the chance to show itself.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await evaluationCounts()).get('evt-race')).toBe(1);
  });

  it('refuses an event for an unknown customer without a profile, and creates one with a profile', async () => {
    const base = { type: 'signed_up', customerId: 'newcomer', occurredAt: '2026-03-01T10:00:00Z' };
    const refused = await t.http
      .post('/v1/events')
      .set(auth())
      .send({ id: 'evt-new-1', ...base });
    expect(refused.status).toBe(422);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'customerId' })]);
    expect((await t.http.get('/v1/events/evt-new-1').set(auth())).status).toBe(404);

    const accepted = await t.http
      .post('/v1/events')
      .set(auth())
      .send({
        id: 'evt-new-2',
        ...base,
        customer: { email: 'newcomer@example.com', timezone: 'Asia/Tokyo' },
      });
    expect(accepted.status).toBe(202);
    const profile = await t.http.get('/v1/customers/newcomer').set(auth());
    expect(profile.body).toMatchObject({ email: 'newcomer@example.com', timezone: 'Asia/Tokyo' });
  });

  it('keeps order statistics right under concurrent events for one customer', async () => {
    await t.http
      .put('/v1/customers/busy')
      .set(auth())
      .send({ email: 'busy@example.com' })
      .expect(201);
    const events = Array.from({ length: 40 }, (_, i) =>
      placed(
        `evt-busy-${i}`,
        'busy',
        `order-busy-${i}`,
        10 + i,
        `2026-04-${String((i % 28) + 1).padStart(2, '0')}T12:00:00Z`,
      ),
    );
    // Half one by one, half in small batches, all at once.
    await Promise.all([
      ...events.slice(0, 20).map((e) => t.http.post('/v1/events').set(auth()).send(e).expect(202)),
      ...[0, 1, 2, 3].map((b) =>
        t.http
          .post('/v1/events/batch')
          .set(auth())
          .send({ events: events.slice(20 + b * 5, 25 + b * 5) })
          .expect(202),
      ),
    ]);
    const c = await customer('busy');
    expect(c.ordersCount).toBe(40);
    expect(c.totalSpent).toBe(events.reduce((sum, e) => sum + e.properties.total, 0));
    expect(c.firstOrderAt).toBe('2026-04-01T12:00:00.000Z');
    expect(c.lastOrderAt).toBe('2026-04-28T12:00:00.000Z');
  });

  it('converges to the same order state whatever order the lifecycle events arrive in', async () => {
    await t.http
      .put('/v1/customers/dave')
      .set(auth())
      .send({ email: 'dave@example.com' })
      .expect(201);
    const send = (e: object) => t.http.post('/v1/events').set(auth()).send(e).expect(202);
    const statuses = async () => {
      const orders = await t.http.get('/v1/customers/dave/orders').set(auth()).expect(200);
      return Object.fromEntries(
        (orders.body.items as { id: string; status: string }[]).map((o) => [o.id, o.status]),
      );
    };
    // Cancelled and delivered arrive before the order itself.
    await send({
      id: 'evt-o1-cancel',
      type: 'order.cancelled',
      customerId: 'dave',
      occurredAt: '2026-05-03T10:00:00Z',
      properties: { orderId: 'o1', reason: 'too slow' },
    });
    await send({
      id: 'evt-o2-deliv',
      type: 'order.delivered',
      customerId: 'dave',
      occurredAt: '2026-05-04T10:00:00Z',
      properties: { orderId: 'o2' },
    });
    let c = await customer('dave');
    expect(c.ordersCount).toBe(0);
    expect(await statuses()).toEqual({ o1: 'cancelled', o2: 'delivered' });
    await send(placed('evt-o1-placed', 'dave', 'o1', 100, '2026-05-01T10:00:00Z'));
    await send(placed('evt-o2-placed', 'dave', 'o2', 30, '2026-05-02T10:00:00Z'));
    await send({
      id: 'evt-o2-return',
      type: 'order.returned',
      customerId: 'dave',
      occurredAt: '2026-05-10T10:00:00Z',
      properties: { orderId: 'o2' },
    });
    await send(placed('evt-o3-placed', 'dave', 'o3', 12.5, '2026-05-05T10:00:00Z'));
    c = await customer('dave');
    // o1 cancelled (not counted), o2 returned (counted, money back), o3 placed.
    expect(c.ordersCount).toBe(2);
    expect(c.totalSpent).toBe(12.5);
    expect(c.firstOrderAt).toBe('2026-05-02T10:00:00.000Z');
    expect(c.lastOrderAt).toBe('2026-05-05T10:00:00.000Z');
    expect(await statuses()).toEqual({ o1: 'cancelled', o2: 'returned', o3: 'placed' });
  });

  it('lets the earliest order.placed fix total and lines even when it arrives last', async () => {
    await t.http
      .put('/v1/customers/erin')
      .set(auth())
      .send({ email: 'erin@example.com' })
      .expect(201);
    const late = placed('evt-erin-late', 'erin', 'o-erin', 999, '2026-05-01T11:00:00Z');
    const early = {
      ...placed('evt-erin-early', 'erin', 'o-erin', 100, '2026-05-01T10:00:00Z'),
      properties: {
        orderId: 'o-erin',
        items: [{ sku: 'SKU-EARLY', quantity: 2, unitPrice: 50 }],
        total: 100,
        currency: 'EUR',
      },
    };
    await t.http.post('/v1/events').set(auth()).send(late).expect(202);
    await t.http.post('/v1/events').set(auth()).send(early).expect(202);
    const c = await customer('erin');
    expect(c.totalSpent).toBe(100);
    expect(c.firstOrderAt).toBe('2026-05-01T10:00:00.000Z');
    const orders = await t.http.get('/v1/customers/erin/orders').set(auth());
    expect(orders.body.items).toEqual([
      expect.objectContaining({
        id: 'o-erin',
        total: 100,
        items: [{ sku: 'SKU-EARLY', quantity: 2, unitPrice: 50 }],
      }),
    ]);
  });

  it('reports each rejected item of a batch and keeps the good ones', async () => {
    const res = await t.http
      .post('/v1/events/batch')
      .set(auth())
      .send({
        events: [
          {
            id: 'b-ok-1',
            type: 'page.viewed',
            customerId: 'alice',
            occurredAt: '2026-06-01T10:00:00Z',
          },
          {
            id: 'b-bad-type',
            type: 'Not A Type',
            customerId: 'alice',
            occurredAt: '2026-06-01T10:00:00Z',
          },
          {
            id: 'b-unknown',
            type: 'page.viewed',
            customerId: 'nobody',
            occurredAt: '2026-06-01T10:00:00Z',
          },
          {
            id: 'evt-viewed-1',
            type: 'product.viewed',
            customerId: 'alice',
            occurredAt: '2026-01-05T10:00:00+01:00',
          },
          {
            id: 'b-ok-2',
            type: 'page.viewed',
            customerId: 'alice',
            occurredAt: '2026-06-01T10:00:00Z',
          },
          {
            id: 'b-ok-2',
            type: 'page.viewed',
            customerId: 'alice',
            occurredAt: '2026-06-01T10:00:00Z',
          },
          {
            id: 'b-bad-order',
            type: 'order.placed',
            customerId: 'alice',
            occurredAt: '2026-06-01T10:00:00Z',
            properties: { orderId: 'x', items: [], total: -1, currency: 'EURO' },
          },
        ],
      });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(2);
    expect(res.body.duplicates).toBe(2);
    expect(res.body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2, 6]);
    const paths = (res.body.rejected[2].errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(['properties.currency', 'properties.items', 'properties.total']);
  });

  it('refuses a batch over 1000 events and an empty one', async () => {
    const one = { id: 'x', type: 'a.b', customerId: 'alice', occurredAt: '2026-06-01T10:00:00Z' };
    const tooMany = await t.http
      .post('/v1/events/batch')
      .set(auth())
      .send({ events: Array(1001).fill(one) });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.errors[0].path).toBe('events');
    const empty = await t.http.post('/v1/events/batch').set(auth()).send({ events: [] });
    expect(empty.status).toBe(422);
  });

  it('accepts a full batch of 1000 events in one call', async () => {
    const events = Array.from({ length: 1000 }, (_, i) => ({
      id: `bulk-${i}`,
      type: i % 5 === 0 ? 'order.placed' : 'product.viewed',
      customerId: i % 2 ? 'alice' : 'bob',
      occurredAt: '2026-07-01T10:00:00Z',
      properties:
        i % 5 === 0
          ? {
              orderId: `bulk-order-${i}`,
              items: [{ sku: 'SKU-2', quantity: 2, unitPrice: 5 }],
              total: 10,
              currency: 'EUR',
            }
          : { sku: 'SKU-2' },
    }));
    const res = await t.http.post('/v1/events/batch').set(auth()).send({ events });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 1000, duplicates: 0, rejected: [] });
    await t.waitFor(async () => {
      const [row] = await t.db.query<{ n: string }[]>(
        "SELECT count(*) AS n FROM events WHERE id LIKE 'bulk-%' AND evaluation_count = 1",
      );
      return Number(row.n) === 1000;
    });
  });

  it('refuses events of the types the engine emits itself', async () => {
    const res = await t.http.post('/v1/events').set(auth()).send({
      id: 'forged',
      type: 'case.opened',
      customerId: 'alice',
      occurredAt: '2026-06-01T10:00:00Z',
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { path: 'type', message: "is reserved for the engine's own events" },
    ]);
  });

  it('refuses events for an erased customer with 409', async () => {
    await t.http
      .put('/v1/customers/gone')
      .set(auth())
      .send({ email: 'gone@example.com' })
      .expect(201);
    await t.http.delete('/v1/customers/gone').set(auth()).expect(204);
    const res = await t.http.post('/v1/events').set(auth()).send({
      id: 'after-erase',
      type: 'page.viewed',
      customerId: 'gone',
      occurredAt: '2026-06-01T10:00:00Z',
    });
    expect(res.status).toBe(409);
  });
});
