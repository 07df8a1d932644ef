import { randomUUID } from 'node:crypto';
import { DeliveryApp, sleep } from '../support/delivery';

/**
 * The rules API and the event path of the engine, through HTTP: validation when saved, the
 * audit trail, entry from an event to a sent email, re-entry, holdout, goals and exits, and
 * a change seen at once.
 */
describe('rules', () => {
  let d: DeliveryApp;
  let marketer: string;
  let ingest: string;

  beforeAll(async () => {
    d = await DeliveryApp.start();
    marketer = await d.t.keyFor('marketer');
    ingest = await d.t.keyFor('ingest');
    const res = await d.t.http
      .put('/v1/templates/test.hello')
      .set('Authorization', `Bearer ${marketer}`)
      .send({
        subject: 'Hello {{customer.firstName}}',
        html: '<p>Hi {{customer.firstName}}, thanks for {{event.type}}.</p>{{> footer}}',
      });
    expect(res.status).toBe(201);
  });
  afterAll(() => d.close());

  const post = (body: object) =>
    d.t.http.post('/v1/rules').set('Authorization', `Bearer ${marketer}`).send(body);
  const patch = (id: string, body: object) =>
    d.t.http.patch(`/v1/rules/${id}`).set('Authorization', `Bearer ${marketer}`).send(body);
  const get = (path: string) => d.t.http.get(path).set('Authorization', `Bearer ${marketer}`);
  const event = (customerId: string, type: string, properties: Record<string, unknown> = {}) =>
    d.t.http
      .post('/v1/events')
      .set('Authorization', `Bearer ${ingest}`)
      .send({
        id: `ev-${randomUUID()}`,
        type,
        customerId,
        occurredAt: new Date().toISOString(),
        properties,
      })
      .expect(202);

  const hello = (overrides: Record<string, unknown> = {}) => ({
    name: 'Say hello',
    module: 'post-purchase',
    trigger: { type: 'event', event: 'custom.signup' },
    action: { type: 'email', template: 'test.hello' },
    delay: 'PT1S',
    status: 'active',
    ...overrides,
  });

  const messagesOf = (ruleId: string) =>
    d.t.db.query<{ id: string; status: string; reason: string | null; customer_id: string }[]>(
      'SELECT id, status, reason, customer_id FROM messages WHERE rule_id = $1 ORDER BY created_at',
      [ruleId],
    );

  describe('validation when saved: 422 naming the path, nothing stored', () => {
    const cases: [string, Record<string, unknown>, string, RegExp][] = [
      ['an unknown field', { colour: 'red' }, 'colour', /unknown field/],
      [
        'an unknown operator',
        { conditions: { all: [{ field: 'customer.ordersCount', op: 'between', value: 1 }] } },
        'conditions.all[0].op',
        /./,
      ],
      [
        'an unknown condition field',
        { conditions: { field: 'customer.shoeSize', op: 'eq', value: 42 } },
        'conditions.field',
        /unknown field/,
      ],
      [
        'an order field on a schedule rule',
        {
          trigger: { type: 'schedule', cron: '0 9 * * 1', timezone: 'Europe/Berlin' },
          conditions: { field: 'order.total', op: 'gte', value: 50 },
        },
        'conditions.field',
        /order/,
      ],
      [
        'an invalid cron',
        { trigger: { type: 'schedule', cron: '61 * * * *', timezone: 'Europe/Berlin' } },
        'trigger.cron',
        /cron/,
      ],
      [
        'an invalid time zone',
        { trigger: { type: 'schedule', cron: '0 9 * * 1', timezone: 'Mars/Olympus' } },
        'trigger.timezone',
        /IANA/,
      ],
      ['an invalid delay', { delay: 'three days' }, 'delay', /duration/],
      [
        'an invalid goal window',
        { goal: { event: 'order.placed', within: 'P-1D' } },
        'goal.within',
        /duration/,
      ],
      [
        'a template that does not exist',
        { action: { type: 'email', template: 'no.such-template' } },
        'action.template',
        /no template/,
      ],
      [
        'a template using context the module does not supply',
        { action: { type: 'email', template: 'reinforcing-promotions.promotion' } },
        'action.template',
        /promotion/,
      ],
    ];
    it.each(cases)('refuses %s', async (_, overrides, path, message) => {
      const before = await d.t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM rules');
      const res = await post(hello(overrides)).expect(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      const errors = res.body.errors as { path: string; message: string }[];
      const hit = errors.find((e) => e.path === path);
      expect(hit).toBeDefined();
      expect(hit!.message).toMatch(message);
      const after = await d.t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM rules');
      expect(after[0].n).toBe(before[0].n);
    });
  });

  it('keeps every change in the audit trail with who, when, before and after', async () => {
    const created = await post(hello({ status: 'draft', name: 'Audited' })).expect(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ status: 'draft', version: 1, reentry: 'once' });
    await patch(id, { name: 'Audited, renamed', holdoutPercent: 10 }).expect(200);
    await patch(id, { status: 'paused' }).expect(200);
    const trail = await get(`/v1/rules/${id}/audit`).expect(200);
    const items = trail.body.items as {
      action: string;
      version: number;
      actor: { name: string };
      before: { name: string } | null;
      after: { name: string; status: string };
    }[];
    expect(items.map((i) => [i.action, i.version])).toEqual([
      ['created', 1],
      ['updated', 2],
      ['paused', 3],
    ]);
    expect(items[0].before).toBeNull();
    expect(items[1].before!.name).toBe('Audited');
    expect(items[1].after.name).toBe('Audited, renamed');
    expect(items[2].after.status).toBe('paused');
    expect(items.every((i) => i.actor.name === 'test marketer')).toBe(true);

    const listed = await get('/v1/rules?status=paused&module=post-purchase').expect(200);
    expect((listed.body.items as { id: string }[]).map((r) => r.id)).toContain(id);
    const patchedBadly = await patch(id, {
      trigger: { type: 'schedule', cron: 'x', timezone: 'UTC' },
    });
    expect(patchedBadly.status).toBe(422);
    expect((await get(`/v1/rules/${id}`).expect(200)).body.version).toBe(3);
  });

  it('turns an event into an email, once per customer for a `once` rule', async () => {
    const rule = (await post(hello({ name: 'Hello once' })).expect(201)).body as { id: string };
    const c = await d.customer('hello', { firstName: 'Ada' });
    await event(c.externalId, 'custom.signup');
    await event(c.externalId, 'custom.signup');
    const [sent] = await d.t.waitFor(async () => {
      const rows = await messagesOf(rule.id);
      return rows.length === 1 && rows[0].status === 'sent' ? rows : null;
    });
    expect(sent.customer_id).toBe(c.id);
    const mail = await d.t.waitFor(() => Promise.resolve(d.sink.to(c.email)[0]));
    expect(mail.subject).toBe('Hello Ada');
    expect(mail.html).toContain('thanks for custom.signup');
    // The second event was evaluated too, and skipped as already entered.
    await d.t.waitFor(async () => {
      const rows = await d.t.db.query<{ n: number }[]>(
        // (The engine's own message.sent event for this customer is not one of them.)
        `SELECT count(*)::int AS n FROM events
          WHERE customer_id = $1 AND type = 'custom.signup' AND evaluated_at IS NOT NULL`,
        [c.id],
      );
      return rows[0].n === 2;
    });
    const stats = await d.t.waitFor(async () => {
      const res = await get(`/v1/rules/${rule.id}/stats`).expect(200);
      return res.body.skipped?.already_entered === 1 ? res.body : null;
    });
    expect(stats).toMatchObject({ sent: 1, customers: { treated: 1, holdout: 0 } });
    await patch(rule.id, { status: 'paused' }).expect(200);
  });

  /** The rule's messages, once the first of them is sent. */
  const sentMessagesOf = (ruleId: string) =>
    d.t.waitFor(async () => {
      const rows = await messagesOf(ruleId);
      return rows[0]?.status === 'sent' ? rows : null;
    });

  it('chains a rule on the engine’s own message.sent, whose events are otherwise stored as evaluated', async () => {
    const first = (
      await post(
        hello({ name: 'Chain start', trigger: { type: 'event', event: 'custom.chain' } }),
      ).expect(201)
    ).body as { id: string };
    const c = await d.customer('chain', { firstName: 'Cy' });
    await event(c.externalId, 'custom.chain');
    const [firstSent] = await sentMessagesOf(first.id);
    // Nothing listens to message.sent yet: no evaluate job, the row is settled at once.
    const settled = await d.t.db.query<{ evaluation_count: number; enqueued: boolean }[]>(
      `SELECT evaluation_count, enqueued_at IS NOT NULL AS enqueued FROM events
        WHERE id = $1 AND evaluated_at IS NOT NULL`,
      [`message-sent.${firstSent.id}`],
    );
    expect(settled).toEqual([{ evaluation_count: 1, enqueued: true }]);

    const follow = (
      await post(
        hello({
          name: 'After any message',
          trigger: { type: 'event', event: 'message.sent' },
          conditions: { field: 'event.properties.ruleId', op: 'eq', value: first.id },
        }),
      ).expect(201)
    ).body as { id: string };
    const d2 = await d.customer('chain-2', { firstName: 'Di' });
    await event(d2.externalId, 'custom.chain');
    // The second customer's message.sent goes through the evaluate queue and enters the rule.
    const [followed] = await sentMessagesOf(follow.id);
    expect(followed.customer_id).toBe(d2.id);
    expect((await messagesOf(follow.id)).map((m) => m.customer_id)).toEqual([d2.id]);
    await patch(follow.id, { status: 'paused' }).expect(200);
    await patch(first.id, { status: 'paused' }).expect(200);
  });

  it('evaluates conditions against the event and the customer', async () => {
    const rule = (
      await post(
        hello({
          name: 'Big spenders only',
          trigger: { type: 'event', event: 'custom.visit' },
          reentry: 'always',
          conditions: {
            all: [
              { field: 'event.properties.page', op: 'eq', value: 'pricing' },
              { field: 'customer.attributes.plan', op: 'in', value: ['pro', 'team'] },
            ],
          },
        }),
      ).expect(201)
    ).body as { id: string };
    const pro = await d.customer('pro', { attributes: { plan: 'pro' } });
    const free = await d.customer('free', { attributes: { plan: 'free' } });
    await event(pro.externalId, 'custom.visit', { page: 'pricing' });
    await event(pro.externalId, 'custom.visit', { page: 'blog' });
    await event(free.externalId, 'custom.visit', { page: 'pricing' });
    await d.t.waitFor(async () => {
      const rows = await d.t.db.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM events
          WHERE customer_id IN ($1, $2) AND type = 'custom.visit' AND evaluated_at IS NOT NULL`,
        [pro.id, free.id],
      );
      return rows[0].n === 3;
    });
    const rows = await messagesOf(rule.id);
    expect(rows.map((r) => r.customer_id)).toEqual([pro.id]);
    await patch(rule.id, { status: 'paused' }).expect(200);
  });

  it('sees a paused rule at once: the next event enters nothing', async () => {
    const rule = (
      await post(
        hello({ name: 'Soon paused', trigger: { type: 'event', event: 'custom.pausecheck' } }),
      ).expect(201)
    ).body as { id: string };
    const a = await d.customer('before-pause');
    await event(a.externalId, 'custom.pausecheck');
    await d.t.waitFor(async () => (await messagesOf(rule.id)).length === 1);
    await patch(rule.id, { status: 'paused' }).expect(200);
    const b = await d.customer('after-pause');
    await event(b.externalId, 'custom.pausecheck');
    await d.t.waitFor(async () => {
      const rows = await d.t.db.query<{ evaluated_at: Date | null }[]>(
        'SELECT evaluated_at FROM events WHERE customer_id = $1',
        [b.id],
      );
      return rows[0]?.evaluated_at;
    });
    expect((await messagesOf(rule.id)).map((m) => m.customer_id)).toEqual([a.id]);
  });

  it('cancels pending messages when the goal is met, and counts the conversion of a held-out customer', async () => {
    const exit = (
      await post(
        hello({
          name: 'Exit on goal',
          trigger: { type: 'event', event: 'custom.cart' },
          delay: 'P1D',
          goal: { event: 'custom.bought', within: 'P7D', exitOnGoal: true },
        }),
      ).expect(201)
    ).body as { id: string };
    const c = await d.customer('goal');
    await event(c.externalId, 'custom.cart');
    await d.t.waitFor(async () => (await messagesOf(exit.id))[0]?.status === 'scheduled');
    await event(c.externalId, 'custom.bought');
    const [cancelled] = await d.t.waitFor(async () => {
      const rows = await messagesOf(exit.id);
      return rows[0]?.status === 'cancelled' ? rows : null;
    });
    expect(cancelled.reason).toBe('goal_met');

    const held = (
      await post(
        hello({
          name: 'All held out',
          trigger: { type: 'event', event: 'custom.browse' },
          delay: undefined,
          holdoutPercent: 100,
          goal: { event: 'custom.bought', within: 'P7D', exitOnGoal: false },
        }),
      ).expect(201)
    ).body as { id: string };
    const h = await d.customer('held');
    await event(h.externalId, 'custom.browse');
    await d.t.waitFor(async () => (await messagesOf(held.id))[0]?.status === 'held_out');
    await sleep(50);
    await event(h.externalId, 'custom.bought');
    const stats = await d.t.waitFor(async () => {
      const res = await get(`/v1/rules/${held.id}/stats`).expect(200);
      return res.body.conversions.holdout === 1 ? res.body : null;
    });
    expect(stats).toMatchObject({
      heldOut: 1,
      sent: 0,
      customers: { treated: 0, holdout: 1 },
      conversionRate: { treated: null, holdout: 1 },
    });
    expect(d.sink.to(h.email)).toHaveLength(0);
  });
});
