import { randomUUID } from 'node:crypto';
import { DeliveryApp } from '../support/delivery';

/**
 * product-extras through HTTP: a rule on `order.delivered` offers the extras of what was
 * delivered, leaving out what the customer owns and what they were offered lately; with
 * nothing left there is no message, and the rule's stats say why.
 */
describe('product-extras', () => {
  let d: DeliveryApp;
  let marketer: string;
  let ingest: string;
  let ruleId: string;

  beforeAll(async () => {
    d = await DeliveryApp.start({ RULE_SKIP_FLUSH_MS: '100' });
    marketer = await d.t.keyFor('marketer');
    ingest = await d.t.keyFor('ingest');
    const product = (sku: string, body: Record<string, unknown>) =>
      d.t.http
        .put(`/v1/products/${sku}`)
        .set('Authorization', `Bearer ${ingest}`)
        .send({ currency: 'EUR', url: `https://shop.example.com/p/${sku}`, ...body })
        .expect(201);
    await product('SLEEVE-14', { name: 'Felt sleeve 14', price: 39 });
    await product('CARE-3Y', { name: 'Three-year care plan', price: 149 });
    await product('SETUP-HOME', { name: 'Home setup visit', price: 59 });
    await product('LAPTOP-14', {
      name: 'Aero 14 laptop',
      price: 1499,
      extras: [
        { sku: 'SLEEVE-14', kind: 'accessory' },
        { sku: 'SETUP-HOME', kind: 'service' },
        { sku: 'CARE-3Y', kind: 'warranty' },
      ],
    });

    ruleId = await laptopExtrasRule('Sleeve and care after a laptop is delivered', [
      'accessory',
      'warranty',
    ]);
  });

  /** An active rule offering these kinds of extras 1 s after a laptop is delivered. */
  async function laptopExtrasRule(name: string, kinds: string[]): Promise<string> {
    const rule = await d.t.http
      .post('/v1/rules')
      .set('Authorization', `Bearer ${marketer}`)
      .send({
        name,
        module: 'product-extras',
        trigger: { type: 'event', event: 'order.delivered' },
        conditions: { field: 'order.items.sku', op: 'contains', value: 'LAPTOP-14' },
        delay: 'PT1S',
        action: { type: 'email', template: 'product-extras.offer', extras: { kinds } },
        reentry: 'always',
        status: 'active',
      });
    expect(rule.status).toBe(201);
    return rule.body.id as string;
  }
  afterAll(() => d.close());

  /** Polls until `check` answers something other than null (or false), and returns it. */
  const until = <T>(check: () => Promise<T | null>, timeoutMs?: number) =>
    d.t.waitFor(check, timeoutMs) as Promise<T>;

  const send = (
    customerId: string,
    type: string,
    properties: Record<string, unknown>,
    occurredAt = new Date(),
  ) =>
    d.t.http
      .post('/v1/events')
      .set('Authorization', `Bearer ${ingest}`)
      .send({
        id: `ev-${randomUUID()}`,
        type,
        customerId,
        occurredAt: occurredAt.toISOString(),
        properties,
      })
      .expect(202);

  /** Places an order of these SKUs; with `deliver`, delivers it too. Returns the order id. */
  async function order(customerId: string, skus: string[], deliver = false, placedAt?: Date) {
    const orderId = `SO-${randomUUID().slice(0, 8)}`;
    await send(
      customerId,
      'order.placed',
      {
        orderId,
        items: skus.map((sku) => ({ sku, quantity: 1, unitPrice: 10 })),
        total: 10 * skus.length,
        currency: 'EUR',
      },
      placedAt,
    );
    if (deliver) await send(customerId, 'order.delivered', { orderId });
    return orderId;
  }

  const messagesOf = (customerId: string) =>
    d.t.db.query<{ id: string; status: string; context: { extras?: { sku: string }[] } }[]>(
      'SELECT id, status, context FROM messages WHERE rule_id = $1 AND customer_id = $2 ORDER BY created_at',
      [ruleId, customerId],
    );

  const evaluated = (customerId: string, count: number) =>
    until(async () => {
      const [row] = await d.t.db.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM events WHERE customer_id = $1 AND evaluated_at IS NOT NULL',
        [customerId],
      );
      return row.n >= count;
    });

  const stats = () =>
    d.t.http
      .get(`/v1/rules/${ruleId}/stats`)
      .set('Authorization', `Bearer ${marketer}`)
      .expect(200)
      .then((res) => res.body as { sent: number; skipped: Record<string, number> });

  it('offers only the warranty to a customer who owns the sleeve, then nothing again within 30 days', async () => {
    const ann = await d.customer('ann', { firstName: 'Ann' });
    await order(ann.externalId, ['SLEEVE-14']);
    const laptopOrder = await order(ann.externalId, ['LAPTOP-14'], true);

    const [message] = await until(async () => {
      const rows = await messagesOf(ann.id);
      return rows.length === 1 && rows[0].status === 'sent' ? rows : null;
    });
    expect(message.context.extras).toEqual([
      {
        sku: 'CARE-3Y',
        name: 'Three-year care plan',
        kind: 'warranty',
        price: 149,
        currency: 'EUR',
        url: 'https://shop.example.com/p/CARE-3Y',
      },
    ]);
    const [mail] = d.received(message.id);
    expect(mail.to).toEqual([ann.email]);
    expect(mail.subject).toBe(`Ann, a few extras picked for your order ${laptopOrder}`);
    expect(mail.html).toContain('Three-year care plan');
    expect(mail.html).toContain('https://shop.example.com/p/CARE-3Y');
    // Owned (the sleeve) and not of the rule's kinds (the setup visit): not offered.
    expect(mail.html).not.toContain('Felt sleeve 14');
    expect(mail.html).not.toContain('Home setup visit');

    // A second laptop a little later: the care plan was offered days ago, the sleeve is owned.
    await order(ann.externalId, ['LAPTOP-14'], true);
    await evaluated(ann.id, 5);
    await until(async () => ((await stats()).skipped.no_eligible_extras ?? 0) >= 1);
    expect(await messagesOf(ann.id)).toHaveLength(1);
  });

  it('sends nothing to a customer who owns every extra, and the stats say why', async () => {
    const before = (await stats()).skipped.no_eligible_extras ?? 0;
    const bob = await d.customer('bob');
    await order(bob.externalId, ['SLEEVE-14', 'CARE-3Y']);
    await order(bob.externalId, ['LAPTOP-14'], true);
    await evaluated(bob.id, 3);
    const after = await until(async () => {
      const s = await stats();
      return (s.skipped.no_eligible_extras ?? 0) === before + 1 ? s : null;
    });
    expect(after.skipped.no_eligible_extras).toBe(before + 1);
    expect(await messagesOf(bob.id)).toEqual([]);
    expect(d.sink.to(bob.email)).toEqual([]);
  });

  it('offers again what the customer bought only in an order they cancelled', async () => {
    const cy = await d.customer('cy');
    const cancelled = await order(cy.externalId, ['SLEEVE-14']);
    await send(cy.externalId, 'order.cancelled', { orderId: cancelled });
    await order(cy.externalId, ['LAPTOP-14'], true);
    const [message] = await until(async () => {
      const rows = await messagesOf(cy.id);
      return rows.length === 1 ? rows : null;
    });
    expect(message.context.extras!.map((e) => e.sku)).toEqual(['SLEEVE-14', 'CARE-3Y']);
  });

  it('on a manual run, offers the extras of everything kept, most recent first; excludeOwned: false re-offers a consumable', async () => {
    const ingestPut = (sku: string, body: Record<string, unknown>) =>
      d.t.http
        .put(`/v1/products/${sku}`)
        .set('Authorization', `Bearer ${ingest}`)
        .send({ currency: 'EUR', ...body })
        .expect(201);
    await ingestPut('INK-1', { name: 'Black ink', price: 19 });
    await ingestPut('COVER-1', { name: 'Phone cover', price: 25 });
    await ingestPut('PRINTER-1', {
      name: 'Inkjet printer',
      price: 99,
      extras: [{ sku: 'INK-1', kind: 'consumable' }],
    });
    await ingestPut('PHONE-1', {
      name: 'Phone',
      price: 499,
      extras: [{ sku: 'COVER-1', kind: 'accessory' }],
    });
    await d.t.http
      .put('/v1/templates/test.extras-digest')
      .set('Authorization', `Bearer ${marketer}`)
      .send({
        subject: 'Picked for you',
        html: '<p>{{#each extras}}[{{sku}} {{kind}} {{money price currency}}]{{/each}}</p>{{> footer}}',
      })
      .expect(201);

    const lee = await d.customer('lee');
    const day = 24 * 3600_000;
    await order(lee.externalId, ['LAPTOP-14'], false, new Date(Date.now() - 3 * day));
    await order(lee.externalId, ['PRINTER-1', 'INK-1'], false, new Date(Date.now() - 2 * day));
    const returned = await order(lee.externalId, ['PHONE-1'], false, new Date(Date.now() - day));
    await send(lee.externalId, 'order.returned', { orderId: returned });

    const created = await d.t.http
      .post('/v1/rules')
      .set('Authorization', `Bearer ${marketer}`)
      .send({
        name: 'Extras for what you own',
        module: 'product-extras',
        trigger: { type: 'manual' },
        conditions: { field: 'customer.id', op: 'eq', value: lee.externalId },
        action: {
          type: 'email',
          template: 'test.extras-digest',
          extras: { max: 5, excludeOwned: false },
        },
        // Lee's return costs more than the margin of these cheap test orders: by value tier
        // Lee is `unprofitable`, which a spending module skips unless told otherwise.
        includeUnprofitable: true,
        status: 'active',
      })
      .expect(201);
    await d.t.http
      .post(`/v1/rules/${created.body.id}/run`)
      .set('Authorization', `Bearer ${marketer}`)
      .expect(202);
    const mail = await until(() => Promise.resolve(d.sink.to(lee.email)[0]));
    // The printer's ink (owned, but it runs out), then the laptop's extras; nothing for the
    // returned phone.
    expect(mail.html).toContain(
      '<p>[INK-1 consumable €19.00][SLEEVE-14 accessory €39.00][SETUP-HOME service €59.00][CARE-3Y warranty €149.00]</p>',
    );
  });

  it('never offers one extra twice when two rules enter on the same event', async () => {
    // The engine writes a wave's messages together; the extras of a rule that comes later
    // must still see what an earlier rule offered in the same evaluation.
    const second = await laptopExtrasRule('Warranty and service after a laptop is delivered', [
      'warranty',
      'service',
    ]);
    try {
      const kim = await d.customer('kim');
      await order(kim.externalId, ['LAPTOP-14'], true);
      await evaluated(kim.id, 2);
      const rows = await d.t.db.query<
        { rule_id: string; context: { extras?: { sku: string }[] } }[]
      >('SELECT rule_id, context FROM messages WHERE customer_id = $1 ORDER BY created_at', [
        kim.id,
      ]);
      const offered = rows.flatMap((r) => (r.context.extras ?? []).map((e) => e.sku));
      // The first rule offers the sleeve and the care plan, the second only what is left.
      expect(offered.sort()).toEqual(['CARE-3Y', 'SETUP-HOME', 'SLEEVE-14']);
      expect(new Set(rows.map((r) => r.rule_id))).toEqual(new Set([ruleId, second]));
    } finally {
      await d.t.http
        .patch(`/v1/rules/${second}`)
        .set('Authorization', `Bearer ${marketer}`)
        .send({ status: 'paused' })
        .expect(200);
    }
  });
});
