import { randomUUID } from 'node:crypto';
import { issuePromotions } from '../../src/mix/reinforcing-promotions/issue-promotions';
import { EventEvaluator } from '../../src/rules/engine/event-evaluator';
import { DeliveryApp } from '../support/delivery';

const CODE = /\bBACK15-[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{8}\b/;

interface Redemption {
  status: 'redeemed' | 'invalid';
  reason: string | null;
  orderId: string | null;
  eventId: string;
  revenue: number | null;
}

interface PromotionView {
  code: string;
  customerId: string;
  ruleId: string;
  messageId: string;
  discountPercent: number;
  expiresAt: string;
  status: string;
  redeemedOrderId: string | null;
  redemptions: Redemption[];
}

/**
 * reinforcing-promotions through HTTP: a personal code in the email, the message expiring
 * with it, one redemption per code counted as the rule's conversion with its revenue, and
 * every other use recorded as invalid with its reason.
 */
describe('reinforcing promotions', () => {
  let d: DeliveryApp;
  let marketer: string;
  let ingest: string;

  beforeAll(async () => {
    d = await DeliveryApp.start();
    marketer = await d.t.keyFor('marketer');
    ingest = await d.t.keyFor('ingest');
  });
  afterAll(() => d.close());

  /** Polls until `check` answers something other than null (or false), and returns it. */
  const until = <T>(check: () => Promise<T | null>, timeoutMs?: number) =>
    d.t.waitFor(check, timeoutMs) as Promise<T>;

  const createRule = async (
    event: string,
    validFor: string,
    promotion: { codePrefix: string; discountPercent: number } = {
      codePrefix: 'BACK15',
      discountPercent: 15,
    },
  ) => {
    const res = await d.t.http
      .post('/v1/rules')
      .set('Authorization', `Bearer ${marketer}`)
      .send({
        name: `Come back (${event})`,
        module: 'reinforcing-promotions',
        trigger: { type: 'event', event },
        delay: 'PT1S',
        action: {
          type: 'email',
          template: 'reinforcing-promotions.promotion',
          promotion: { ...promotion, validFor },
        },
        reentry: 'always',
        status: 'active',
      });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  const send = (
    customerId: string,
    type: string,
    properties: Record<string, unknown> = {},
    occurredAt = new Date(),
  ) => {
    const id = `ev-${randomUUID()}`;
    return d.t.http
      .post('/v1/events')
      .set('Authorization', `Bearer ${ingest}`)
      .send({ id, type, customerId, occurredAt: occurredAt.toISOString(), properties })
      .expect(202)
      .then(() => id);
  };

  const placeOrder = (customerId: string, couponCode: string, total = 120, occurredAt?: Date) =>
    send(
      customerId,
      'order.placed',
      {
        orderId: `SO-${randomUUID().slice(0, 8)}`,
        items: [{ sku: 'SHOES', quantity: 1, unitPrice: total }],
        total,
        currency: 'EUR',
        couponCode,
      },
      occurredAt,
    );

  const evaluated = (eventId: string) =>
    until(async () => {
      const [row] = await d.t.db.query<{ evaluated_at: Date | null }[]>(
        'SELECT evaluated_at FROM events WHERE id = $1',
        [eventId],
      );
      return row?.evaluated_at ?? null;
    });

  const promotions = async (query: string) => {
    const res = await d.t.http
      .get(`/v1/promotions?${query}`)
      .set('Authorization', `Bearer ${marketer}`)
      .expect(200);
    return res.body.items as PromotionView[];
  };

  const stats = async (ruleId: string) =>
    (
      await d.t.http
        .get(`/v1/rules/${ruleId}/stats`)
        .set('Authorization', `Bearer ${marketer}`)
        .expect(200)
    ).body as { conversions: { treated: number }; attributedRevenue: number; sent: number };

  /** Triggers the rule for a new customer; returns them with the code their email carried. */
  async function customerWithCode(name: string, event: string) {
    const c = await d.customer(name, { firstName: name });
    await send(c.externalId, event);
    const mail = await until(() => Promise.resolve(d.sink.to(c.email)[0]));
    const code = CODE.exec(mail.html)?.[0];
    expect(code).toBeDefined();
    return { ...c, code: code!, mail };
  }

  describe('a 14-day code', () => {
    let ruleId: string;
    beforeAll(async () => {
      ruleId = await createRule('custom.lapsed', 'P14D');
    });

    it('is mailed, stored, and the message expires with it', async () => {
      const eve = await customerWithCode('eve', 'custom.lapsed');
      expect(eve.mail.subject).toBe('15% off your next order, eve');
      expect(eve.mail.text).toContain(eve.code);
      const [promotion] = await promotions(`customerId=${eve.externalId}`);
      expect(promotion).toMatchObject({
        code: eve.code,
        customerId: eve.externalId,
        ruleId,
        discountPercent: 15,
        status: 'active',
        redemptions: [],
      });
      const [message] = await d.t.db.query<
        { id: string; expires_at: Date; send_at: Date; context: { promotion: unknown } }[]
      >(
        'SELECT id, expires_at, send_at, context FROM messages WHERE rule_id = $1 AND customer_id = $2',
        [ruleId, eve.id],
      );
      expect(promotion.messageId).toBe(message.id);
      expect(message.expires_at.toISOString()).toBe(promotion.expiresAt);
      // Valid for the full 14 days from when the message was due.
      expect(message.expires_at.getTime() - message.send_at.getTime()).toBe(14 * 24 * 3600_000);
      expect(message.context.promotion).toEqual({
        code: eve.code,
        discountPercent: 15,
        expiresAt: promotion.expiresAt,
      });
    });

    it('is redeemed once and counted as the rule’s conversion with its revenue; a second use is invalid', async () => {
      const fay = await customerWithCode('fay', 'custom.lapsed');
      // Shops send codes as customers type them.
      const first = await placeOrder(fay.externalId, ` ${fay.code.toLowerCase()} `, 120);
      await evaluated(first);
      const afterFirst = await until(async () => {
        const s = await stats(ruleId);
        return s.conversions.treated === 1 ? s : null;
      });
      expect(afterFirst.attributedRevenue).toBe(120);

      const second = await placeOrder(fay.externalId, fay.code, 80);
      await evaluated(second);
      const [promotion] = await promotions(`code=${fay.code.toLowerCase()}`);
      expect(promotion.status).toBe('redeemed');
      expect(promotion.redemptions).toEqual([
        expect.objectContaining({ eventId: first, status: 'redeemed', reason: null, revenue: 120 }),
        expect.objectContaining({ eventId: second, status: 'invalid', reason: 'already_redeemed' }),
      ]);
      expect(promotion.redeemedOrderId).toBe(promotion.redemptions[0].orderId);
      const [conversion] = await d.t.db.query<
        { entry_id: string; group: string; revenue: string; currency: string; event_id: string }[]
      >(
        'SELECT entry_id, "group", revenue, currency, event_id FROM conversions WHERE rule_id = $1 AND customer_id = $2',
        [ruleId, fay.id],
      );
      expect(conversion).toEqual({
        entry_id: promotion.messageId,
        group: 'treated',
        revenue: '120.00',
        currency: 'EUR',
        event_id: first,
      });
      expect((await stats(ruleId)).conversions.treated).toBe(1);

      // The same event evaluated again (a retried job) changes nothing.
      await d.t.app.get(EventEvaluator).evaluate(first);
      const [again] = await promotions(`code=${fay.code}`);
      expect(again.redemptions).toHaveLength(2);
      expect((await stats(ruleId)).conversions.treated).toBe(1);
    });

    it("refuses another customer's code, and an unknown one", async () => {
      const gus = await customerWithCode('gus', 'custom.lapsed');
      const hal = await d.customer('hal');
      const stolen = await placeOrder(hal.externalId, gus.code);
      const unknown = await placeOrder(hal.externalId, 'BACK15-ZZZZZZZZ');
      await evaluated(stolen);
      await evaluated(unknown);
      const [promotion] = await promotions(`code=${gus.code}`);
      expect(promotion.status).toBe('active');
      expect(promotion.redemptions).toEqual([
        expect.objectContaining({ eventId: stolen, status: 'invalid', reason: 'other_customer' }),
      ]);
      const rows = await d.t.db.query<{ status: string; reason: string; promotion_id: string }[]>(
        'SELECT status, reason, promotion_id FROM promotion_redemptions WHERE event_id = $1',
        [unknown],
      );
      expect(rows).toEqual([{ status: 'invalid', reason: 'unknown_code', promotion_id: null }]);
      // Gus can still use it.
      await evaluated(await placeOrder(gus.externalId, gus.code));
      expect((await promotions(`code=${gus.code}`))[0].status).toBe('redeemed');
    });

    it('redeems a code once when two orders carry it at the same time', async () => {
      const ida = await customerWithCode('ida', 'custom.lapsed');
      const events = await Promise.all([
        placeOrder(ida.externalId, ida.code, 50),
        placeOrder(ida.externalId, ida.code, 70),
      ]);
      await Promise.all(events.map(evaluated));
      const [promotion] = await promotions(`code=${ida.code}`);
      expect(promotion.redemptions.map((r) => r.status).sort()).toEqual(['invalid', 'redeemed']);
      expect(promotion.redemptions.find((r) => r.status === 'invalid')!.reason).toBe(
        'already_redeemed',
      );
      const [{ n }] = await d.t.db.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM conversions WHERE rule_id = $1 AND customer_id = $2',
        [ruleId, ida.id],
      );
      expect(n).toBe(1);
    });
  });

  it('gives each rule one event enters its own code, prefix, discount and validity', async () => {
    // The rules' codes are made together, in one statement for the evaluation wave.
    const [short, long] = [
      await createRule('custom.double', 'P7D', { codePrefix: 'WEEK', discountPercent: 10 }),
      await createRule('custom.double', 'P30D', { codePrefix: 'MONTH', discountPercent: 30 }),
    ];
    const c = await d.customer('double');
    await evaluated(await send(c.externalId, 'custom.double'));
    const rows = await d.t.db.query<
      {
        rule_id: string;
        send_at: Date;
        expires_at: Date;
        context: { promotion: { code: string; discountPercent: number } };
      }[]
    >('SELECT rule_id, send_at, expires_at, context FROM messages WHERE customer_id = $1', [c.id]);
    const byRule = new Map(rows.map((m) => [m.rule_id, m]));
    const days = (m: { send_at: Date; expires_at: Date }) =>
      (m.expires_at.getTime() - m.send_at.getTime()) / (24 * 3600_000);
    expect(byRule.get(short)?.context.promotion).toMatchObject({ discountPercent: 10 });
    expect(byRule.get(short)?.context.promotion.code).toMatch(/^WEEK-/);
    expect(days(byRule.get(short)!)).toBe(7);
    expect(byRule.get(long)?.context.promotion).toMatchObject({ discountPercent: 30 });
    expect(byRule.get(long)?.context.promotion.code).toMatch(/^MONTH-/);
    expect(days(byRule.get(long)!)).toBe(30);
    const stored = await promotions(`customerId=${c.externalId}`);
    expect(stored.map((p) => [p.ruleId, p.code]).sort()).toEqual(
      [
        [short, byRule.get(short)!.context.promotion.code],
        [long, byRule.get(long)!.context.promotion.code],
      ].sort(),
    );
  });

  it('records an order placed after the code expired as invalid (expired), not a conversion', async () => {
    const ruleId = await createRule('custom.flash', 'PT1H');
    const jo = await customerWithCode('jo', 'custom.flash');
    const [promotion] = await promotions(`customerId=${jo.externalId}`);
    const late = new Date(new Date(promotion.expiresAt).getTime() + 60_000);
    await evaluated(await placeOrder(jo.externalId, jo.code, 99, late));
    const [after] = await promotions(`code=${jo.code}`);
    expect(after.status).toBe('active'); // not redeemed; its clock has not run out yet
    expect(after.redemptions).toEqual([
      expect.objectContaining({ status: 'invalid', reason: 'expired' }),
    ]);
    expect((await stats(ruleId)).conversions.treated).toBe(0);
  });

  it('answers 422 naming the field for a bad query, and refuses rules without a promotion', async () => {
    const res = await d.t.http
      .get('/v1/promotions?ruleId=nope')
      .set('Authorization', `Bearer ${marketer}`);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'ruleId' })]);

    const rule = await d.t.http
      .post('/v1/rules')
      .set('Authorization', `Bearer ${marketer}`)
      .send({
        name: 'No code',
        module: 'reinforcing-promotions',
        trigger: { type: 'manual' },
        action: {
          type: 'email',
          template: 'reinforcing-promotions.promotion',
          extras: { max: 1 },
        },
      });
    expect(rule.status).toBe(422);
    const paths = (rule.body.errors as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['action.promotion', 'action.extras']));
    const badDuration = await d.t.http
      .post('/v1/rules')
      .set('Authorization', `Bearer ${marketer}`)
      .send({
        name: 'Bad validity',
        module: 'reinforcing-promotions',
        trigger: { type: 'manual' },
        action: {
          type: 'email',
          template: 'reinforcing-promotions.promotion',
          promotion: { codePrefix: 'X', discountPercent: 10, validFor: 'two weeks' },
        },
      });
    expect(badDuration.status).toBe(422);
    expect((badDuration.body.errors as { path: string }[]).map((e) => e.path)).toContain(
      'action.promotion.validFor',
    );
  });

  it('gives every customer of a manual run a code of their own, in one batch', async () => {
    const cohort = `run-${randomUUID().slice(0, 8)}`;
    const members = await Promise.all(
      Array.from({ length: 25 }, (_, i) => d.customer(`kim${i}`, { attributes: { cohort } })),
    );
    const created = await d.t.http
      .post('/v1/rules')
      .set('Authorization', `Bearer ${marketer}`)
      .send({
        name: 'Cohort promotion',
        module: 'reinforcing-promotions',
        trigger: { type: 'manual' },
        conditions: { field: 'customer.attributes.cohort', op: 'eq', value: cohort },
        action: {
          type: 'email',
          template: 'reinforcing-promotions.promotion',
          promotion: { codePrefix: 'BACK15', discountPercent: 15, validFor: 'P7D' },
        },
        status: 'active',
      })
      .expect(201);
    const ruleId = created.body.id as string;
    await d.t.http
      .post(`/v1/rules/${ruleId}/run`)
      .set('Authorization', `Bearer ${marketer}`)
      .expect(202);
    const rows = await until(async () => {
      const found = await d.t.db.query<
        { customer_id: string; status: string; code: string; context_code: string }[]
      >(
        `SELECT m.customer_id, m.status, p.code, m.context->'promotion'->>'code' AS context_code
           FROM messages m JOIN promotions p ON p.dedupe_key = m.dedupe_key
          WHERE m.rule_id = $1`,
        [ruleId],
      );
      return found.length === members.length && found.every((r) => r.status === 'sent')
        ? found
        : null;
    }, 30_000);
    expect(new Set(rows.map((r) => r.customer_id))).toEqual(new Set(members.map((m) => m.id)));
    expect(new Set(rows.map((r) => r.code)).size).toBe(members.length);
    for (const row of rows) {
      expect(row.context_code).toBe(row.code);
      const member = members.find((m) => m.id === row.customer_id)!;
      const [mail] = d.sink.to(member.email);
      expect(mail.html).toContain(row.code);
    }
  });

  describe('issuing codes in the database', () => {
    const request = (dedupeKey: string) => ({
      dedupeKey,
      codePrefix: 'T',
      customerId: '1',
      ruleId: randomUUID(),
      discountPercent: 10,
      expiresAt: new Date('2030-01-01T00:00:00Z'),
    });

    it('retries only the entries whose code was taken, and gives a retried entry its first code', async () => {
      const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
      const first = await d.t.db.transaction((em) => issuePromotions(em, [request(a)]));
      const taken = first[0].code;
      const asked: number[] = [];
      let call = 0;
      const makeCodes = (prefix: string, count: number) => {
        asked.push(count);
        call += 1;
        // First round: a exists already (its new code is not used), b gets a's code (taken),
        // c a fresh one; the second round is for b alone.
        return call === 1
          ? [`${prefix}-AAAAAAAA`, taken, `${prefix}-DDDDDDDD`]
          : [`${prefix}-BBBBBBBB`];
      };
      const issued = await d.t.db.transaction((em) =>
        issuePromotions(em, [request(a), request(b), request(c)], makeCodes),
      );
      expect(asked).toEqual([3, 1]);
      expect(issued.map((p) => p.code)).toEqual([taken, 'T-BBBBBBBB', 'T-DDDDDDDD']);
      expect(issued[0]).toEqual(first[0]);
    });
  });
});
