import { randomUUID } from 'node:crypto';
import { DeliveryApp } from '../support/delivery';

/**
 * Attribution as README "Attribution" writes it down, through HTTP: a conversion is the
 * rule's goal event within the goal window after the message was sent, last touch among the
 * rule's messages; for a held-out customer, within the window after the time the message
 * would have been sent. The goal events carry chosen `occurredAt` times around those edges
 * (an event may be dated up to 24 hours ahead, so every edge is reachable now).
 */
describe('attribution', () => {
  let d: DeliveryApp;
  let marketer: string;
  let ingest: string;

  beforeAll(async () => {
    d = await DeliveryApp.start();
    marketer = await d.t.keyFor('marketer');
    ingest = await d.t.keyFor('ingest');
    await d.t.http
      .put('/v1/templates/test.attribution')
      .set('Authorization', `Bearer ${marketer}`)
      .send({ subject: 'Hello {{customer.firstName}}', html: '<p>Hello</p>{{> footer}}' })
      .expect(201);
  });
  afterAll(() => d.close());

  const HOUR = 3_600_000;

  const createRule = async (overrides: Record<string, unknown>) => {
    const res = await d.t.http
      .post('/v1/rules')
      .set('Authorization', `Bearer ${marketer}`)
      .send({
        name: `Attribution ${randomUUID().slice(0, 8)}`,
        module: 'post-purchase',
        action: { type: 'email', template: 'test.attribution' },
        reentry: 'always',
        status: 'active',
        ...overrides,
      });
    expect(res.status).toBe(201);
    return (res.body as { id: string }).id;
  };

  /** Sends an event and waits until the engine has evaluated it. */
  const event = async (customerId: string, type: string, occurredAt: Date) => {
    const id = `ev-${randomUUID()}`;
    await d.t.http
      .post('/v1/events')
      .set('Authorization', `Bearer ${ingest}`)
      .send({ id, type, customerId, occurredAt: occurredAt.toISOString() })
      .expect(202);
    await d.t.waitFor(async () => {
      const [row] = await d.t.db.query<{ evaluated_at: Date | null }[]>(
        'SELECT evaluated_at FROM events WHERE id = $1',
        [id],
      );
      return row?.evaluated_at;
    });
    return id;
  };

  interface Entry {
    id: string;
    status: string;
    /** sent_at (treated) or send_at (held out), floored to the millisecond. */
    ref: Date;
    /** The same time in microseconds, as Postgres holds it. */
    refMicros: bigint;
  }

  /** The rule's message rows of a customer, oldest first, once `count` are in `status`. */
  const entries = (ruleId: string, customerId: string, status: string, count: number) =>
    d.t.waitFor(async () => {
      const rows = await d.t.db.query<{ id: string; status: string; ref_us: string }[]>(
        `SELECT id, status,
                (extract(epoch FROM CASE WHEN status = 'held_out' THEN send_at ELSE sent_at END)
                  * 1000000)::bigint::text AS ref_us
           FROM messages WHERE rule_id = $1 AND customer_id = $2 ORDER BY created_at`,
        [ruleId, customerId],
      );
      if (rows.length !== count || rows.some((r) => r.status !== status)) return null;
      return rows.map((r): Entry => ({
        id: r.id,
        status: r.status,
        ref: new Date(Number(BigInt(r.ref_us) / 1000n)),
        refMicros: BigInt(r.ref_us),
      }));
    }, 30_000);

  const conversions = (ruleId: string) =>
    d.t.db.query<{ entry_id: string; group: string; event_id: string; converted_at: Date }[]>(
      `SELECT entry_id, "group", event_id, converted_at FROM conversions
        WHERE rule_id = $1 ORDER BY converted_at`,
      [ruleId],
    );

  it('counts a goal event inside the window after the send, and neither before it nor after the window', async () => {
    const ruleId = await createRule({
      trigger: { type: 'event', event: 'custom.window' },
      goal: { event: 'custom.window_goal', within: 'PT1H', exitOnGoal: false },
    });
    const c = await d.customer('window');
    await event(c.externalId, 'custom.window', new Date());
    const [sent] = await entries(ruleId, c.id, 'sent', 1);

    // A millisecond before the send: the message cannot have caused it.
    await event(c.externalId, 'custom.window_goal', new Date(sent.ref.getTime() - 1));
    // A millisecond after the window closed (sent_at + 1 h; `ref` is sent_at floored to the
    // millisecond, so ref + 1 h + 1 ms is past the end however many microseconds it had).
    await event(c.externalId, 'custom.window_goal', new Date(sent.ref.getTime() + HOUR + 1));
    expect(await conversions(ruleId)).toEqual([]);

    // At the last millisecond of the window (the end is included): a conversion.
    const last = new Date(sent.ref.getTime() + HOUR);
    expect(BigInt(last.getTime()) * 1000n).toBeLessThanOrEqual(sent.refMicros + 3_600_000_000n);
    const goal = await event(c.externalId, 'custom.window_goal', last);
    expect(await conversions(ruleId)).toEqual([
      { entry_id: sent.id, group: 'treated', event_id: goal, converted_at: last },
    ]);
  });

  it('gives the conversion to the last message of the rule sent before the goal event', async () => {
    const ruleId = await createRule({
      trigger: { type: 'event', event: 'custom.touch' },
      goal: { event: 'custom.touch_goal', within: 'P1D', exitOnGoal: false },
    });
    const c = await d.customer('touches');
    await event(c.externalId, 'custom.touch', new Date());
    await entries(ruleId, c.id, 'sent', 1);
    await event(c.externalId, 'custom.touch', new Date());
    const [first, second] = await entries(ruleId, c.id, 'sent', 2);
    expect(second.ref.getTime()).toBeGreaterThan(first.ref.getTime() + 1);

    // Between the two sends: the first message is the last touch at that moment.
    const between = new Date(first.ref.getTime() + 1);
    const goal1 = await event(c.externalId, 'custom.touch_goal', between);
    // After both: the second is.
    const after = new Date(second.ref.getTime() + 60_000);
    const goal2 = await event(c.externalId, 'custom.touch_goal', after);
    expect(await conversions(ruleId)).toEqual([
      { entry_id: first.id, group: 'treated', event_id: goal1, converted_at: between },
      { entry_id: second.id, group: 'treated', event_id: goal2, converted_at: after },
    ]);

    // A third goal event: both entries have converted once already; nothing more to count.
    await event(c.externalId, 'custom.touch_goal', new Date(after.getTime() + 1000));
    expect(await conversions(ruleId)).toHaveLength(2);
  });

  it('measures a held-out customer from the time the message would have been sent', async () => {
    const ruleId = await createRule({
      trigger: { type: 'event', event: 'custom.held' },
      delay: 'PT2H',
      holdoutPercent: 100,
      goal: { event: 'custom.held_goal', within: 'PT1H', exitOnGoal: false },
    });
    const c = await d.customer('held');
    const triggeredAt = new Date();
    await event(c.externalId, 'custom.held', triggeredAt);
    const [held] = await entries(ruleId, c.id, 'held_out', 1);
    // Would have been sent two hours after the trigger (no send window, UTC).
    expect(held.ref).toEqual(new Date(triggeredAt.getTime() + 2 * HOUR));

    // After the trigger but before the would-be send: not a conversion — a treated customer
    // could not have been moved by a message they had not got yet, so neither counts.
    await event(c.externalId, 'custom.held_goal', new Date(triggeredAt.getTime() + HOUR));
    // After the would-be send's window.
    await event(c.externalId, 'custom.held_goal', new Date(held.ref.getTime() + HOUR + 1));
    expect(await conversions(ruleId)).toEqual([]);

    const inside = new Date(held.ref.getTime() + 30 * 60_000);
    const goal = await event(c.externalId, 'custom.held_goal', inside);
    expect(await conversions(ruleId)).toEqual([
      { entry_id: held.id, group: 'holdout', event_id: goal, converted_at: inside },
    ]);
    expect(d.sink.to(c.email)).toHaveLength(0);

    // The reports see the same conversion: the held-out group converted, 1 of 1.
    const report = await d.t.http
      .get('/v1/reports/rules')
      .set('Authorization', `Bearer ${marketer}`)
      .expect(200);
    const row = (report.body as { rules: { ruleId: string }[] }).rules.find(
      (r) => r.ruleId === ruleId,
    );
    expect(row).toMatchObject({
      customers: { treated: 0, holdout: 1 },
      conversions: { treated: 0, holdout: 1 },
      conversionRate: { treated: null, holdout: 1 },
    });
  });
});
