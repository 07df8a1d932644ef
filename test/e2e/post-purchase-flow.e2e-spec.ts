import { randomUUID } from 'node:crypto';
import { postPurchaseExampleRule } from '../../src/mix/post-purchase/example-rule';
import { DeliveryApp, PUBLIC_BASE_URL } from '../support/delivery';

/**
 * The post-purchase loop end to end, through HTTP with the real engine and SMTP sink and
 * short durations: an order is delivered → the check-in rule emails the customer → they
 * answer "I have a problem" → a case opens, support is emailed, `case.opened` is emitted,
 * and a promotion due meanwhile is held → support resolves the case → the held promotion
 * goes out, and `case.resolved` lets an apology rule follow up.
 */
const SUPPORT_EMAIL = 'help@shop.example.com';
/** Generous: the machine is shared and the chain has several queue hops. */
const WAIT_MS = 30_000;

describe('post-purchase: from a delivered order to a resolved case', () => {
  let d: DeliveryApp;
  let marketer: { Authorization: string };
  let ingest: { Authorization: string };
  let support: { Authorization: string };
  const ruleIds: Record<'checkIn' | 'cart' | 'apology', string> = {
    checkIn: '',
    cart: '',
    apology: '',
  };

  beforeAll(async () => {
    d = await DeliveryApp.start({ SUPPORT_EMAIL });
    marketer = { Authorization: `Bearer ${await d.t.keyFor('marketer')}` };
    ingest = { Authorization: `Bearer ${await d.t.keyFor('ingest')}` };
    support = { Authorization: `Bearer ${await d.t.keyFor('support')}` };

    const createRule = async (rule: Record<string, unknown>) => {
      const res = await d.t.http.post('/v1/rules').set(marketer).send(rule);
      if (res.status !== 201) throw new Error(`rule refused: ${res.status} ${res.text}`);
      return res.body.id as string;
    };
    // The shipped example, one second after delivery instead of three days, at any hour.
    ruleIds.checkIn = await createRule({
      ...postPurchaseExampleRule,
      delay: 'PT1S',
      sendWindow: undefined,
    });
    // A marketing message that comes due while the case is open.
    ruleIds.cart = await createRule({
      name: 'Abandoned cart: 10 % off',
      module: 'reinforcing-promotions',
      trigger: { type: 'event', event: 'cart.abandoned' },
      action: {
        type: 'email',
        template: 'reinforcing-promotions.promotion',
        promotion: { codePrefix: 'CART', discountPercent: 10, validFor: 'P14D' },
      },
      reentry: 'always',
      status: 'active',
    });
    // What DESIGN.md means by "a rule can follow up with an apology offer".
    ruleIds.apology = await createRule({
      name: 'Sorry for the trouble',
      module: 'reinforcing-promotions',
      trigger: { type: 'event', event: 'case.resolved' },
      action: {
        type: 'email',
        template: 'reinforcing-promotions.promotion',
        promotion: { codePrefix: 'SORRY', discountPercent: 20, validFor: 'P30D' },
      },
      reentry: 'always',
      status: 'active',
    });
  });
  afterAll(() => d.close());

  const event = (customerId: string, type: string, properties: Record<string, unknown> = {}) =>
    d.t.http
      .post('/v1/events')
      .set(ingest)
      .send({
        id: `ev-${randomUUID()}`,
        type,
        customerId,
        occurredAt: new Date().toISOString(),
        properties,
      })
      .expect(202);

  /** The message a rule made for the customer, once it exists. */
  const messageOf = (ruleId: string, customerId: string) =>
    d.t.waitFor(async () => {
      const [row] = await d.t.db.query<{ id: string }[]>(
        'SELECT id FROM messages WHERE rule_id = $1 AND customer_id = $2',
        [ruleId, customerId],
      );
      return row?.id;
    }, WAIT_MS);

  it('check-in → problem → case, support told, promotion held → resolved → promotion sent', async () => {
    await d.t.http
      .put('/v1/products/KETTLE-2')
      .set(ingest)
      .send({ name: 'Gooseneck kettle', price: 89, currency: 'EUR' })
      .expect(201);
    const ada = await d.customer('ada', { firstName: 'Ada', timezone: 'Europe/Berlin' });
    const orderId = `SO-${randomUUID().slice(0, 8)}`;
    await event(ada.externalId, 'order.placed', {
      orderId,
      items: [{ sku: 'KETTLE-2', quantity: 1, unitPrice: 89 }],
      total: 89,
      currency: 'EUR',
    });

    // 1. The order is delivered: the rule's check-in email goes out a second later.
    await event(ada.externalId, 'order.delivered', { orderId });
    const checkInMessage = await messageOf(ruleIds.checkIn, ada.id);
    const sent = await d.waitForStatus(checkInMessage, 'sent', WAIT_MS);
    expect(sent.subject).toBe(`How is everything with your order ${orderId}?`);
    const [mail] = d.received(checkInMessage);
    expect(mail.to).toEqual([ada.email]);
    expect(mail.html).toContain('Gooseneck kettle');
    const link = /\[(https:\/\/[^\]\s]+\/c\/([A-Za-z0-9_.-]+))\?answer=problem\]/.exec(mail.text);
    expect(link).not.toBeNull();
    const [, url, token] = link!;
    expect(url).toBe(`${PUBLIC_BASE_URL}/c/${token}`);
    expect(mail.text).toContain(`[${url}?answer=good]`);
    const [checkIn] = await d.t.db.query<{ id: string; source: string; rule_id: string }[]>(
      `SELECT k.id, k.source, k.rule_id FROM check_ins k JOIN orders o ON o.id = k.order_id
        WHERE o.external_id = $1`,
      [orderId],
    );
    expect(checkIn).toMatchObject({ source: 'rule', rule_id: ruleIds.checkIn });

    // 2. The "I have a problem" link opens the page; the customer writes and sends.
    const page = await d.t.http.get(`/c/${token}?answer=problem`).expect(200);
    expect(page.text).toContain('<input type="hidden" name="answer" value="problem">');
    const answered = await d.t.http
      .post(`/c/${token}`)
      .type('form')
      .send({ answer: 'problem', comment: 'The lid does not close.' })
      .expect(200);
    expect(answered.text).toContain('Our support team has your message');

    // 3. A case is open, support is told (customer, order, comment), case.opened is emitted.
    const cases = await d.t.http
      .get(`/v1/cases?status=open&customerId=${ada.externalId}`)
      .set(support)
      .expect(200);
    expect(cases.body.items).toEqual([
      expect.objectContaining({
        customerId: ada.externalId,
        orderId,
        checkInId: checkIn.id,
        status: 'open',
        comment: 'The lid does not close.',
      }),
    ]);
    const caseId = cases.body.items[0].id as string;
    const notice = await d.t.waitFor(() => Promise.resolve(d.sink.to(SUPPORT_EMAIL)[0]), WAIT_MS);
    expect(notice.subject).toBe(`Check-in problem on order ${orderId} (${ada.email})`);
    expect(notice.html).toContain('1 × Gooseneck kettle (KETTLE-2) at €89.00');
    expect(notice.html).toContain('The lid does not close.');
    expect(notice.html).toContain('Ada');
    const opened = await d.t.http.get(`/v1/events/case.opened.${caseId}`).set(support).expect(200);
    expect(opened.body).toMatchObject({
      type: 'case.opened',
      source: 'engine',
      properties: { caseId, checkInId: checkIn.id, orderId, comment: 'The lid does not close.' },
    });
    await d.t.http.get(`/v1/events/check_in.answered.${checkIn.id}.1`).set(support).expect(200);

    // 4. A promotion comes due while the case is open: held, not sent, not dropped.
    await event(ada.externalId, 'cart.abandoned', { cartValue: 120 });
    const promotion = await messageOf(ruleIds.cart, ada.id);
    const held = await d.waitForMessage(promotion, (m) => m.reason === 'open_case', WAIT_MS);
    expect(held.status).toBe('scheduled');
    expect(d.received(promotion)).toEqual([]);

    // 5. Support resolves the case: the promotion goes out, and the apology rule follows up.
    const resolved = await d.t.http
      .post(`/v1/cases/${caseId}/resolve`)
      .set(support)
      .send({ resolution: 'Sent a replacement lid.' })
      .expect(200);
    expect(resolved.body).toMatchObject({ id: caseId, status: 'resolved' });
    await d.waitForStatus(promotion, 'sent', WAIT_MS);
    const [promoMail] = d.received(promotion);
    expect(promoMail.subject).toBe('10% off your next order, Ada');
    expect(promoMail.text).toMatch(/CART/);
    const history = await d.history(promotion);
    expect(history.map((h) => [h.status, h.reason])).toEqual(
      expect.arrayContaining([
        ['deferred', 'open_case'],
        ['scheduled', 'case_resolved'],
        ['sent', null],
      ]),
    );

    const apology = await messageOf(ruleIds.apology, ada.id);
    await d.waitForStatus(apology, 'sent', WAIT_MS);
    expect(d.received(apology)[0].subject).toBe('20% off your next order, Ada');

    // The customer got exactly the check-in, the released promotion and the apology.
    expect(d.sink.to(ada.email)).toHaveLength(3);
    expect(d.sink.to(SUPPORT_EMAIL)).toHaveLength(1);
  });
});
