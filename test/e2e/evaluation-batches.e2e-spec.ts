import { randomUUID } from 'node:crypto';
import { EvaluateProcessor } from '../../src/events/evaluate.processor';
import { EventEvaluator } from '../../src/rules/engine/event-evaluator';
import { DeliveryApp } from '../support/delivery';

/**
 * The evaluate worker takes the events of many jobs together, in one transaction. A
 * customer's several events in one batch must still behave as if evaluated one by one, in
 * the order they happened: `every` re-entry lets one of them in, and a goal event that
 * happened after an entry cancels the message that entry made.
 */
describe('events evaluated in batches', () => {
  let d: DeliveryApp;
  let marketer: string;
  let ingest: string;

  beforeAll(async () => {
    d = await DeliveryApp.start({ RULE_SKIP_FLUSH_MS: '100' });
    marketer = await d.t.keyFor('marketer');
    ingest = await d.t.keyFor('ingest');
    await d.t.http
      .put('/v1/templates/batch.note')
      .set('Authorization', `Bearer ${marketer}`)
      .send({ subject: 'A note for {{customer.firstName}}', html: '<p>Hello.</p>{{> footer}}' })
      .expect(201);
  });
  afterAll(() => d.close());

  const rule = async (body: Record<string, unknown>) => {
    const res = await d.t.http
      .post('/v1/rules')
      .set('Authorization', `Bearer ${marketer}`)
      .send({
        module: 'post-purchase',
        delay: 'P1D',
        action: { type: 'email', template: 'batch.note' },
        status: 'active',
        ...body,
      });
    expect([res.status, res.body.errors]).toEqual([201, undefined]);
    return res.body.id as string;
  };

  /**
   * Sends the events while the worker is paused and evaluates them in one batch (all asked
   * for in the same tick); the worker then runs their jobs too, which must change nothing.
   * Returns the events' rows as the batch left them.
   */
  const evaluateTogether = async (events: Record<string, unknown>[]) => {
    const worker = d.t.app.get(EvaluateProcessor).worker;
    const ids = events.map((e) => e.id as string);
    await worker.pause(true);
    try {
      const res = await d.t.http
        .post('/v1/events/batch')
        .set('Authorization', `Bearer ${ingest}`)
        .send({ events });
      expect([res.status, res.body.accepted, res.body.rejected]).toEqual([202, events.length, []]);
      const evaluator = d.t.app.get(EventEvaluator);
      const results = await Promise.all(ids.map((id) => evaluator.evaluate(id)));
      // One batch holds them all (and perhaps an event the worker had taken before pausing).
      expect(results.filter((r) => !(r.seen && r.batch.events >= ids.length))).toEqual([]);
      return await d.t.db.query<{ evaluated_at: Date; evaluation_count: number }[]>(
        'SELECT evaluated_at, evaluation_count FROM events WHERE id = ANY($1::text[])',
        [ids],
      );
    } finally {
      await worker.resume();
    }
  };

  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

  it('lets a customer into an `every` rule once for three events in one batch', async () => {
    const type = 'cart.nudged';
    const ruleId = await rule({
      name: 'One nudge a week',
      trigger: { type: 'event', event: type },
      reentry: { every: 'P7D' },
    });
    const customers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => d.customer(`batch-${i}`)),
    );
    const events = customers.flatMap((c) =>
      [30, 20, 10].map((minutesAgo) => ({
        id: `ev-${randomUUID()}`,
        type,
        customerId: c.externalId,
        occurredAt: at(minutesAgo),
      })),
    );
    const rows = await evaluateTogether(events);

    expect(rows.every((r) => r.evaluation_count === 1)).toBe(true);
    // One transaction stamps all its events with one time.
    expect(new Set(rows.map((r) => r.evaluated_at.getTime())).size).toBe(1);
    const perCustomer = await d.t.db.query<{ customer_id: string; n: number; key: string }[]>(
      `SELECT customer_id::text, count(*)::int AS n, min(dedupe_key) AS key FROM messages
        WHERE rule_id = $1 GROUP BY customer_id`,
      [ruleId],
    );
    expect(perCustomer).toHaveLength(20);
    expect(perCustomer.every((r) => r.n === 1)).toBe(true);
    // The entry is the customer's first event: the others came too soon after it.
    const firstEvents = new Set(events.filter((_, i) => i % 3 === 0).map((e) => e.id));
    expect(perCustomer.every((r) => firstEvents.has(r.key.split('.').slice(3).join('.')))).toBe(
      true,
    );
    // Counted too soon (at least; the worker's own runs of the jobs count again).
    await d.t.waitFor(async () => {
      const [row] = await d.t.db.query<{ count: string }[]>(
        "SELECT count FROM rule_skips WHERE rule_id = $1 AND reason = 'reentry_too_soon'",
        [ruleId],
      );
      return Number(row?.count) >= 40 ? row : null;
    });
  });

  it('cancels an entry made earlier in the same batch when the goal event follows', async () => {
    const type = 'cart.abandoned';
    const ruleId = await rule({
      name: 'Nudge until they order',
      trigger: { type: 'event', event: type },
      reentry: 'always',
      goal: { event: 'order.placed', within: 'P14D', exitOnGoal: true },
    });
    const buyer = await d.customer('buyer');
    const browser = await d.customer('browser');
    const cart = (c: { externalId: string }, minutesAgo: number) => ({
      id: `ev-${randomUUID()}`,
      type,
      customerId: c.externalId,
      occurredAt: at(minutesAgo),
    });
    const order = {
      id: `ev-${randomUUID()}`,
      type: 'order.placed',
      customerId: buyer.externalId,
      occurredAt: at(5),
      properties: {
        orderId: `o-${randomUUID()}`,
        items: [{ sku: 'ANY-1', quantity: 1, unitPrice: 20 }],
        total: 20,
        currency: 'EUR',
      },
    };
    // The order is listed first but happened last: the batch takes it after the cart.
    const carts = [cart(buyer, 10), cart(browser, 10)];
    await evaluateTogether([order, ...carts]);

    const messages = await d.t.db.query<{ customer_id: string; status: string; reason: string }[]>(
      'SELECT customer_id::text, status, reason FROM messages WHERE rule_id = $1 ORDER BY customer_id',
      [ruleId],
    );
    expect(messages).toEqual(
      expect.arrayContaining([
        { customer_id: buyer.id, status: 'cancelled', reason: 'goal_met' },
        { customer_id: browser.id, status: 'scheduled', reason: null },
      ]),
    );
    expect(messages).toHaveLength(2);

    // Evaluated again (a retried batch), the three events change nothing.
    const evaluator = d.t.app.get(EventEvaluator);
    await Promise.all([order, ...carts].map((e) => evaluator.evaluate(e.id)));
    const again = await d.t.db.query<{ status: string }[]>(
      'SELECT status FROM messages WHERE rule_id = $1 ORDER BY customer_id',
      [ruleId],
    );
    expect(again.map((m) => m.status).sort()).toEqual(['cancelled', 'scheduled']);
  });

  it('evaluates the customers it can lock at once, and one that another transaction holds right after', async () => {
    const type = 'cart.locked';
    const ruleId = await rule({
      name: 'Nudge past a lock',
      trigger: { type: 'event', event: type },
      reentry: 'always',
    });
    const free = await d.customer('lock-free');
    const held = await d.customer('lock-held');
    const [freeEvent, heldEvent] = [free, held].map((c) => ({
      id: `ev-${randomUUID()}`,
      type,
      customerId: c.externalId,
      occurredAt: at(1),
    }));
    const worker = d.t.app.get(EvaluateProcessor).worker;
    // Another transaction holds one customer's row, as ingestion does while writing orders.
    const blocker = d.t.db.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    await worker.pause(true);
    let results: Promise<unknown[]> | undefined;
    try {
      await blocker.query('SELECT 1 FROM customers WHERE id = $1 FOR NO KEY UPDATE', [held.id]);
      await d.t.http
        .post('/v1/events/batch')
        .set('Authorization', `Bearer ${ingest}`)
        .send({ events: [freeEvent, heldEvent] })
        .expect(202);
      const evaluator = d.t.app.get(EventEvaluator);
      results = Promise.all([freeEvent, heldEvent].map((e) => evaluator.evaluate(e.id)));
      const evaluatedAt = async (id: string) =>
        (
          await d.t.db.query<{ evaluated_at: Date | null }[]>(
            'SELECT evaluated_at FROM events WHERE id = $1',
            [id],
          )
        )[0].evaluated_at;
      // The free customer's event is done while the other one's row is still held…
      await d.t.waitFor(() => evaluatedAt(freeEvent.id));
      expect(await evaluatedAt(heldEvent.id)).toBeNull();
    } finally {
      await blocker.rollbackTransaction();
      await blocker.release();
    }
    // …and the held one's right after the row is free, once.
    await results;
    await worker.resume();
    const rows = await d.t.db.query<{ id: string; evaluation_count: number }[]>(
      'SELECT id, evaluation_count FROM events WHERE id = ANY($1::text[]) ORDER BY id',
      [[freeEvent.id, heldEvent.id]],
    );
    expect(rows.map((r) => r.evaluation_count)).toEqual([1, 1]);
    const entered = await d.t.db.query<{ customer_id: string }[]>(
      'SELECT customer_id::text FROM messages WHERE rule_id = $1 ORDER BY customer_id',
      [ruleId],
    );
    expect(entered.map((r) => r.customer_id).sort()).toEqual([free.id, held.id].sort());
  });
});
