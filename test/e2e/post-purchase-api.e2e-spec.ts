import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { signToken } from '../../src/common/auth/link-tokens';
import { insertCheckIns } from '../../src/mix/post-purchase/check-in-store';
import { DeliveryApp, offer, PUBLIC_BASE_URL } from '../support/delivery';
import type { ReceivedMail } from '../support/smtp-sink';

/**
 * The post-purchase support API and the public check-in pages, through HTTP, with a real
 * SMTP sink: manual check-ins and their 24-hour guard, answers (a second replaces the
 * first), cases and their resolution, forged links.
 */
const SUPPORT_EMAIL = 'support-desk@shop.example.com';

describe('post-purchase: check-ins, answers and cases', () => {
  let d: DeliveryApp;
  let support: { Authorization: string };
  let ingest: { Authorization: string };

  beforeAll(async () => {
    d = await DeliveryApp.start({ SUPPORT_EMAIL });
    support = { Authorization: `Bearer ${await d.t.keyFor('support')}` };
    ingest = { Authorization: `Bearer ${await d.t.keyFor('ingest')}` };
    await d.t.http
      .put('/v1/products/HUB-7')
      .set(ingest)
      .send({ name: 'Seven-port USB hub', price: 49.5, currency: 'EUR' })
      .expect(201);
  });
  afterAll(() => d.close());

  /** A customer with one placed order of a hub; returns the shop's ids. */
  async function customerWithOrder(name: string) {
    const customer = await d.customer(name, { firstName: 'Nia' });
    const orderId = `SO-${randomUUID().slice(0, 8)}`;
    await d.t.http
      .post('/v1/events')
      .set(ingest)
      .send({
        id: `placed-${orderId}`,
        type: 'order.placed',
        customerId: customer.externalId,
        occurredAt: new Date().toISOString(),
        properties: {
          orderId,
          items: [{ sku: 'HUB-7', quantity: 2, unitPrice: 49.5 }],
          total: 99,
          currency: 'EUR',
        },
      })
      .expect(202);
    return { ...customer, orderId };
  }

  const sendCheckIn = (body: Record<string, unknown>) =>
    d.t.http.post('/v1/check-ins').set(support).send(body);

  /** The check-in link in an email (its text part, where the URL is written out). */
  function linkIn(mail: ReceivedMail) {
    const match =
      /\[(https:\/\/retention\.example\.test\/c\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+))\?answer=good\]/.exec(
        mail.text,
      );
    if (!match) throw new Error(`no check-in link in ${mail.text}`);
    expect(mail.text).toContain(`[${match[1]}?answer=problem]`);
    return { url: match[1], path: `/c/${match[2]}`, token: match[2] };
  }

  /** A check-in sent by hand and delivered; its id, message and link. */
  async function deliveredCheckIn(name: string) {
    const c = await customerWithOrder(name);
    const res = await sendCheckIn({ customerId: c.externalId, orderId: c.orderId }).expect(201);
    const { id: checkInId, messageId } = res.body as { id: string; messageId: string };
    await d.waitForStatus(messageId, 'sent');
    const [mail] = d.received(messageId);
    // `id` stays the customer's internal id, as `d.customer` gives it.
    return { ...c, checkInId, messageId, mail, link: linkIn(mail) };
  }

  const checkInRow = async (id: string) => {
    const [row] = await d.t.db.query<
      { answer: string | null; comment: string | null; answered_at: Date | null }[]
    >('SELECT answer, comment, answered_at FROM check_ins WHERE id = $1', [id]);
    return row;
  };
  const eventsOf = (customerId: string, type: string) =>
    d.t.db.query<{ id: string; properties: Record<string, unknown> }[]>(
      `SELECT id, properties FROM events WHERE customer_id = $1 AND type = $2 ORDER BY occurred_at, id`,
      [customerId, type],
    );
  const casesOf = (customerId: string) =>
    d.t.db.query<{ id: string; status: string; comment: string | null }[]>(
      'SELECT id, status, comment FROM cases WHERE customer_id = $1 ORDER BY opened_at',
      [customerId],
    );
  const count = async (table: 'check_ins' | 'messages' | 'cases' | 'events') => {
    const [{ n }] = await d.t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`);
    return n;
  };
  const answerForm = (path: string, form: Record<string, string>) =>
    d.t.http.post(path).type('form').send(form);
  const answerJson = (path: string, body: unknown) =>
    d.t.http.post(path).set('Content-Type', 'application/json').send(JSON.stringify(body));

  function expectProblem(res: Response, status: number) {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  }
  function expectNotFoundPage(res: Response) {
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('This link does not work');
  }

  describe('POST /v1/check-ins', () => {
    it('sends one at once: 201 { id, messageId }, an email about the order with both answer links', async () => {
      const c = await customerWithOrder('manual');
      const res = await sendCheckIn({
        customerId: c.externalId,
        orderId: c.orderId,
        note: 'Called about a loose cable',
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        messageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      const message = await d.waitForStatus(res.body.messageId, 'sent');
      expect(message.subject).toBe(`How is everything with your order ${c.orderId}?`);
      const [mail] = d.received(res.body.messageId);
      expect(mail.to).toEqual([c.email]);
      expect(mail.html).toContain('Seven-port USB hub × 2');
      const link = linkIn(mail);
      expect(link.url.startsWith(`${PUBLIC_BASE_URL}/c/`)).toBe(true);

      const [row] = await d.t.db.query<Record<string, unknown>[]>(
        `SELECT k.source, k.note, k.requested_by, k.dedupe_key, o.external_id AS order_id, m.class, m.kind, m.module
           FROM check_ins k JOIN orders o ON o.id = k.order_id JOIN messages m ON m.dedupe_key = k.dedupe_key
          WHERE k.id = $1`,
        [res.body.id],
      );
      expect(row).toEqual({
        source: 'manual',
        note: 'Called about a loose cable',
        requested_by: 'test support',
        dedupe_key: `check-in.${res.body.id}`,
        order_id: c.orderId,
        class: 'service',
        kind: 'check-in',
        module: 'post-purchase',
      });
    });

    it('needs no marketing consent: a check-in is a service message', async () => {
      const c = await customerWithOrder('noconsent');
      await d.t.http
        .put(`/v1/customers/${c.externalId}`)
        .set(ingest)
        .send({ email: c.email, marketingConsent: false })
        .expect(200);
      const res = await sendCheckIn({ customerId: c.externalId, orderId: c.orderId }).expect(201);
      await d.waitForStatus(res.body.messageId, 'sent');
    });

    it('refuses a second about the same order within 24 hours with 409, unless force: true', async () => {
      const c = await customerWithOrder('twice');
      await sendCheckIn({ customerId: c.externalId, orderId: c.orderId }).expect(201);
      const before = await count('check_ins');

      const again = await sendCheckIn({ customerId: c.externalId, orderId: c.orderId });
      expectProblem(again, 409);
      expect(again.body).toMatchObject({
        type: expect.stringMatching(/check-in-too-soon$/),
        detail: expect.stringContaining('"force": true'),
        lastCheckInAt: expect.any(String),
        retryAfter: expect.any(String),
      });
      expect(
        Date.parse(again.body.retryAfter as string) -
          Date.parse(again.body.lastCheckInAt as string),
      ).toBe(24 * 3600_000);
      expect(await count('check_ins')).toBe(before);

      const forced = await sendCheckIn({
        customerId: c.externalId,
        orderId: c.orderId,
        force: true,
      });
      expect(forced.status).toBe(201);
      await d.waitForStatus(forced.body.messageId, 'sent');
      expect(d.sink.to(c.email)).toHaveLength(2);
    });

    it('counts a check-in about another order, or about none, apart', async () => {
      const c = await customerWithOrder('apart');
      await sendCheckIn({ customerId: c.externalId, orderId: c.orderId }).expect(201);
      const general = await sendCheckIn({ customerId: c.externalId }).expect(201);
      const message = await d.waitForStatus(general.body.messageId, 'sent');
      expect(message.subject).toBe('How is everything with your recent order?');
      expectProblem(await sendCheckIn({ customerId: c.externalId }), 409);
    });

    it('lets only one of two simultaneous requests through', async () => {
      const c = await customerWithOrder('race');
      const both = await Promise.all([
        sendCheckIn({ customerId: c.externalId, orderId: c.orderId }),
        sendCheckIn({ customerId: c.externalId, orderId: c.orderId }),
      ]);
      expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    });

    const invalid: {
      what: string;
      path: string;
      body: (c: Fixture, other: Fixture) => Record<string, unknown>;
    }[] = [
      {
        what: 'an unknown customer',
        path: 'customerId',
        body: () => ({ customerId: 'nobody-here' }),
      },
      { what: 'no customer', path: 'customerId', body: () => ({ orderId: 'SO-1' }) },
      {
        what: 'an unknown order',
        path: 'orderId',
        body: (c) => ({ customerId: c.externalId, orderId: 'SO-none' }),
      },
      {
        what: "another customer's order",
        path: 'orderId',
        body: (c, other) => ({ customerId: c.externalId, orderId: other.orderId }),
      },
      {
        what: 'a note over 2000 characters',
        path: 'note',
        body: (c) => ({ customerId: c.externalId, note: 'n'.repeat(2001) }),
      },
      {
        what: 'force that is not a boolean',
        path: 'force',
        body: (c) => ({ customerId: c.externalId, force: 'yes' }),
      },
      {
        what: 'an unknown field',
        path: 'channel',
        body: (c) => ({ customerId: c.externalId, channel: 'sms' }),
      },
    ];
    it.each(invalid)(
      'answers $what with 422 naming $path, storing nothing',
      async ({ body, path }) => {
        const c = await customerWithOrder('bad');
        const other = await customerWithOrder('other');
        const before = [await count('check_ins'), await count('messages')];
        const res = await sendCheckIn(body(c, other));
        expectProblem(res, 422);
        expect(res.body.errors).toEqual([{ path, message: expect.any(String) }]);
        expect([await count('check_ins'), await count('messages')]).toEqual(before);
      },
    );

    it('refuses a customer whose data was erased (no address to ask)', async () => {
      const c = await customerWithOrder('erased');
      await d.t.http.delete(`/v1/customers/${c.externalId}`).set(ingest).expect(204);
      const res = await sendCheckIn({ customerId: c.externalId });
      expectProblem(res, 422);
      expect(res.body.errors).toEqual([
        { path: 'customerId', message: expect.stringMatching(/erased/) },
      ]);
    });
  });

  describe('the check-in page /c/{token}', () => {
    it('GET shows the page for every link of the email and records nothing (mail scanners follow links)', async () => {
      const c = await deliveredCheckIn('scanner');
      const plain = await d.t.http.get(c.link.path);
      expect(plain.status).toBe(200);
      expect(plain.headers['content-type']).toMatch(/^text\/html/);
      expect(plain.headers['cache-control']).toBe('no-store');
      expect(plain.text).toContain(`Is everything fine with order ${c.orderId}?`);

      const good = await d.t.http.get(`${c.link.path}?answer=good`).expect(200);
      expect(good.text).toContain('<input type="hidden" name="answer" value="good">');
      expect(good.text).not.toContain('<textarea');

      const problem = await d.t.http.get(`${c.link.path}?answer=problem`).expect(200);
      expect(problem.text).toContain('<input type="hidden" name="answer" value="problem">');
      expect(problem.text).toContain('<textarea id="comment" name="comment"');
      expect(problem.text).toContain(`action="/c/${c.link.token}"`);

      await d.t.http.head(`${c.link.path}?answer=problem`).expect(200);
      expect(await checkInRow(c.checkInId)).toEqual({
        answer: null,
        comment: null,
        answered_at: null,
      });
      expect(await eventsOf(c.id, 'check_in.answered')).toEqual([]);
      expect(await casesOf(c.id)).toEqual([]);
    });

    it('answers a forged, re-purposed or unknown token with the 404 page, changing nothing', async () => {
      const c = await deliveredCheckIn('forged');
      const secret = d.t.config.tokenSecret;
      const tokens = [
        `${c.link.token.split('.')[0]}.${'A'.repeat(24)}`,
        c.link.token.slice(0, -3),
        signToken('another-secret-that-is-long-enough-xx', 'check-in', c.checkInId),
        signToken(secret, 'unsubscribe', c.checkInId),
        // Ours, about a check-in that does not exist.
        signToken(secret, 'check-in', randomUUID()),
        // An unsubscribe token of the same customer: right secret, wrong purpose.
        signToken(secret, 'unsubscribe', c.id),
        'not-a-token',
      ];
      const before = [await count('check_ins'), await count('cases'), await count('events')];
      for (const token of tokens) {
        expectNotFoundPage(await d.t.http.get(`/c/${token}?answer=problem`));
        expectNotFoundPage(await answerForm(`/c/${token}`, { answer: 'problem', comment: 'x' }));
        const json = await answerJson(`/c/${token}`, { answer: 'problem' });
        expectProblem(json, 404);
      }
      expect([await count('check_ins'), await count('cases'), await count('events')]).toEqual(
        before,
      );
      expect(await checkInRow(c.checkInId)).toMatchObject({ answer: null });
    });

    it('a second answer replaces the first; each is a check_in.answered event, numbered', async () => {
      const c = await deliveredCheckIn('second');
      const first = await answerForm(c.link.path, { answer: 'good', comment: '' });
      expect(first.status).toBe(200);
      expect(first.headers['content-type']).toMatch(/^text\/html/);
      expect(first.text).toContain('glad everything is fine');
      expect(await checkInRow(c.checkInId)).toMatchObject({ answer: 'good', comment: null });

      const second = await answerJson(c.link.path, {
        answer: 'problem',
        comment: 'The hub gets hot',
      });
      expect(second.status).toBe(200);
      expect(second.body).toEqual({
        answer: 'problem',
        comment: 'The hub gets hot',
        answeredAt: expect.any(String),
      });
      expect(await checkInRow(c.checkInId)).toMatchObject({
        answer: 'problem',
        comment: 'The hub gets hot',
      });
      expect(await eventsOf(c.id, 'check_in.answered')).toEqual([
        {
          id: `check_in.answered.${c.checkInId}.1`,
          properties: { checkInId: c.checkInId, answer: 'good', comment: null, orderId: c.orderId },
        },
        {
          id: `check_in.answered.${c.checkInId}.2`,
          properties: {
            checkInId: c.checkInId,
            answer: 'problem',
            comment: 'The hub gets hot',
            orderId: c.orderId,
          },
        },
      ]);

      // Coming back shows the latest answer, with the comment to add to.
      const again = await d.t.http.get(`${c.link.path}?answer=problem`).expect(200);
      expect(again.text).toContain('You answered “I have a problem”');
      expect(again.text).toContain('>The hub gets hot</textarea>');
    });

    it('erasing the customer drops the words of their answers and cases, keeping the facts', async () => {
      const c = await deliveredCheckIn('erase-words');
      await answerForm(c.link.path, { answer: 'problem', comment: 'My neighbour Bob broke it' });
      await d.t.waitFor(async () => (await casesOf(c.id)).length === 1);
      await d.t.http
        .delete(`/v1/customers/${c.externalId}`)
        .set({ Authorization: `Bearer ${d.t.adminKey}` })
        .expect(204);
      const [checkIn] = await d.t.db.query<{ answer: string; comment: string | null }[]>(
        'SELECT answer, comment FROM check_ins WHERE id = $1',
        [c.checkInId],
      );
      expect(checkIn).toEqual({ answer: 'problem', comment: null });
      const [kase] = await casesOf(c.id);
      expect(kase).toMatchObject({ status: 'open', comment: null });
      const leftovers = await d.t.db.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM messages WHERE customer_id = $1 AND context::text LIKE '%Bob%'`,
        [c.id],
      );
      expect(leftovers[0].n).toBe(0);
    });

    it('"I have a problem" opens one case, emails support and emits case.opened; more words update it', async () => {
      const c = await deliveredCheckIn('problem');
      const res = await answerForm(c.link.path, {
        answer: 'problem',
        comment: 'One port is <dead>',
      });
      expect(res.status).toBe(200);
      expect(res.text).toContain('Our support team has your message');
      expect(res.text).toContain('One port is &lt;dead&gt;');

      const [opened] = await casesOf(c.id);
      expect(opened).toEqual({
        id: expect.any(String),
        status: 'open',
        comment: 'One port is <dead>',
      });

      const event = await d.t.http
        .get(`/v1/events/case.opened.${opened.id}`)
        .set(support)
        .expect(200);
      expect(event.body).toMatchObject({
        type: 'case.opened',
        customerId: c.externalId,
        properties: {
          caseId: opened.id,
          checkInId: c.checkInId,
          orderId: c.orderId,
          comment: 'One port is <dead>',
        },
      });

      const notice = await d.t.waitFor(() =>
        Promise.resolve(d.sink.to(SUPPORT_EMAIL).find((m) => m.subject.includes(c.orderId))),
      );
      expect(notice.subject).toBe(`Check-in problem on order ${c.orderId} (${c.email})`);
      expect(notice.html).toContain('2 × Seven-port USB hub (HUB-7) at €49.50');
      expect(notice.html).toContain('One port is &lt;dead&gt;');
      expect(notice.html).toContain(c.externalId);
      // A staff notice never carries the customer's unsubscribe link.
      expect(notice.html).not.toContain('/u/');

      // More words about the same problem: the same case, its comment updated, no second notice.
      await answerForm(c.link.path, { answer: 'problem', comment: 'Now two ports' }).expect(200);
      expect(await casesOf(c.id)).toEqual([{ ...opened, comment: 'Now two ports' }]);
      // A later "all good" does not close the case: support decides.
      await answerJson(c.link.path, { answer: 'good' }).expect(200);
      expect(await casesOf(c.id)).toEqual([{ ...opened, comment: 'Now two ports' }]);
      const notices = await d.t.db.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM messages WHERE customer_id = $1 AND kind = 'case-notice'`,
        [c.id],
      );
      expect(notices[0].n).toBe(1);
    });

    it('bad input: JSON gets 422 problem+json naming the field, the form gets the page with the error; nothing recorded', async () => {
      const c = await deliveredCheckIn('badanswer');
      const cases: [unknown, string][] = [
        [{}, 'answer'],
        [{ answer: 'meh' }, 'answer'],
        [{ answer: 'problem', comment: 'x'.repeat(2001) }, 'comment'],
        [{ answer: 'good', stars: 5 }, 'stars'],
        [[], '(body)'],
      ];
      for (const [body, path] of cases) {
        const res = await answerJson(c.link.path, body);
        expectProblem(res, 422);
        expect(res.body.errors).toEqual([{ path, message: expect.any(String) }]);
      }
      const form = await answerForm(c.link.path, { answer: 'problem', comment: 'y'.repeat(2001) });
      expect(form.status).toBe(422);
      expect(form.headers['content-type']).toMatch(/^text\/html/);
      expect(form.text).toContain('Your message is too long');
      // What they wrote is kept in the box, to shorten rather than retype.
      expect(form.text).toContain(`>${'y'.repeat(2001)}</textarea>`);
      const none = await answerForm(c.link.path, { comment: 'hm' });
      expect(none.status).toBe(422);
      expect(none.text).toContain('Please choose');

      expect(await checkInRow(c.checkInId)).toEqual({
        answer: null,
        comment: null,
        answered_at: null,
      });
      const [{ n }] = await d.t.db.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM events WHERE starts_with(id, $1)`,
        [`check_in.answered.${c.checkInId}`],
      );
      expect(n).toBe(0);
    });
  });

  describe('cases', () => {
    /** A customer with a case opened from a check-in answer; the case id. */
    async function openCase(name: string, comment = 'Broken') {
      const c = await deliveredCheckIn(name);
      await answerJson(c.link.path, { answer: 'problem', comment }).expect(200);
      const res = await d.t.http
        .get(`/v1/cases?status=open&customerId=${c.externalId}`)
        .set(support)
        .expect(200);
      expect(res.body.items).toHaveLength(1);
      return { ...c, caseId: res.body.items[0].id as string };
    }

    const resolve = (id: string, body: unknown) =>
      d.t.http
        .post(`/v1/cases/${id}/resolve`)
        .set(support)
        .send(body as object);

    it('lists cases newest first, filtered by status, a page at a time', async () => {
      const a = await openCase('lista', 'first');
      const b = await openCase('listb', 'second');
      const page1 = await d.t.http.get('/v1/cases?status=open&limit=1').set(support).expect(200);
      expect(page1.body.items).toEqual([
        {
          id: b.caseId,
          customerId: b.externalId,
          orderId: b.orderId,
          checkInId: b.checkInId,
          status: 'open',
          comment: 'second',
          resolution: null,
          openedAt: expect.any(String),
          resolvedAt: null,
        },
      ]);
      const page2 = await d.t.http
        .get(`/v1/cases?status=open&limit=1&cursor=${page1.body.nextCursor}`)
        .set(support)
        .expect(200);
      expect(page2.body.items[0].id).toBe(a.caseId);

      await resolve(a.caseId, { resolution: 'Sent a new hub' }).expect(200);
      const resolved = await d.t.http.get('/v1/cases?status=resolved').set(support).expect(200);
      expect(resolved.body.items.map((k: { id: string }) => k.id)).toContain(a.caseId);
      const open = await d.t.http.get('/v1/cases?status=open').set(support).expect(200);
      expect(open.body.items.map((k: { id: string }) => k.id)).not.toContain(a.caseId);

      for (const query of ['status=closed', 'cursor=nonsense', 'limit=0', 'colour=red']) {
        expectProblem(await d.t.http.get(`/v1/cases?${query}`).set(support), 422);
      }
    });

    it('GET /v1/cases/{id}: the case, 404 when unknown, 422 when not an id', async () => {
      const c = await openCase('getone');
      const res = await d.t.http.get(`/v1/cases/${c.caseId}`).set(support).expect(200);
      expect(res.body).toMatchObject({ id: c.caseId, status: 'open', orderId: c.orderId });
      expectProblem(await d.t.http.get(`/v1/cases/${randomUUID()}`).set(support), 404);
      const bad = await d.t.http.get('/v1/cases/42').set(support);
      expectProblem(bad, 422);
      expect(bad.body.errors).toEqual([{ path: 'id', message: expect.any(String) }]);
    });

    it('resolves once: 200 with the case and a case.resolved event; again 409; unknown 404; bad body 422', async () => {
      const c = await openCase('resolve');
      for (const body of [
        {},
        { resolution: '   ' },
        { resolution: 'r'.repeat(2001) },
        { resolution: 'ok', by: 'me' },
      ]) {
        expectProblem(await resolve(c.caseId, body), 422);
      }
      const res = await resolve(c.caseId, { resolution: 'Replaced the hub' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: c.caseId,
        status: 'resolved',
        resolution: 'Replaced the hub',
        resolvedAt: expect.any(String),
      });
      const event = await d.t.http
        .get(`/v1/events/case.resolved.${c.caseId}`)
        .set(support)
        .expect(200);
      expect(event.body).toMatchObject({
        type: 'case.resolved',
        properties: { caseId: c.caseId, resolution: 'Replaced the hub', orderId: c.orderId },
      });
      expectProblem(await resolve(c.caseId, { resolution: 'again' }), 409);
      expectProblem(await resolve(randomUUID(), { resolution: 'x' }), 404);
    });

    it('holds marketing while any case of the customer is open, and releases it when the last is resolved', async () => {
      const c = await openCase('hold');
      // A second check-in and case for the same customer.
      const second = await sendCheckIn({ customerId: c.externalId, force: true }).expect(201);
      await d.waitForStatus(second.body.messageId, 'sent');
      const mail = d.received(second.body.messageId)[0];
      await answerJson(linkIn(mail).path, { answer: 'problem' }).expect(200);
      const open = (await casesOf(c.id)).filter((k) => k.status === 'open');
      expect(open).toHaveLength(2);

      const [promo] = await d.schedule(offer(c.id));
      const held = await d.waitForMessage(promo, (m) => m.reason === 'open_case');
      expect(held.status).toBe('scheduled');

      await resolve(open[0].id, { resolution: 'first one fixed' }).expect(200);
      // Still held: the other case is open. (Its re-check is an hour away, nothing to wait for.)
      expect(await d.row(promo)).toMatchObject({ status: 'scheduled', reason: 'open_case' });

      await resolve(open[1].id, { resolution: 'second one fixed' }).expect(200);
      await d.waitForStatus(promo, 'sent');
      expect(d.received(promo)).toHaveLength(1);
    });
  });

  describe('storing check-ins', () => {
    it('makes one per dedupe key and answers the first one for a key asked again', async () => {
      const c = await d.customer('store');
      const row = (dedupeKey: string) => ({
        dedupeKey,
        customerId: c.id,
        orderId: null,
        ruleId: null,
        source: 'rule' as const,
      });
      const [a, b] = [`ci-${randomUUID()}`, `ci-${randomUUID()}`];
      const first = await d.t.db.transaction((em) => insertCheckIns(em, [row(a)]));
      // A retried job asks for `a` again with a new entry `b` (twice in one call).
      const second = await d.t.db.transaction((em) => insertCheckIns(em, [row(a), row(b), row(b)]));
      expect(second.get(a)).toBe(first.get(a));
      expect(second.get(b)).toMatch(/^[0-9a-f-]{36}$/);
      const stored = await d.t.db.query<{ id: string; dedupe_key: string }[]>(
        'SELECT id, dedupe_key FROM check_ins WHERE dedupe_key = ANY($1::text[])',
        [[a, b]],
      );
      expect(new Map(stored.map((r) => [r.dedupe_key, r.id]))).toEqual(second);
    });
  });

  describe('roles', () => {
    it.each(['marketer', 'sales', 'ingest'] as const)('refuses a %s key with 403', async (role) => {
      const key = { Authorization: `Bearer ${await d.t.keyFor(role)}` };
      expectProblem(await d.t.http.post('/v1/check-ins').set(key).send({ customerId: 'x' }), 403);
      expectProblem(await d.t.http.get('/v1/cases').set(key), 403);
      expectProblem(await d.t.http.get(`/v1/cases/${randomUUID()}`).set(key), 403);
      expectProblem(
        await d.t.http.post(`/v1/cases/${randomUUID()}/resolve`).set(key).send({ resolution: 'x' }),
        403,
      );
    });
  });
});

describe('post-purchase without SUPPORT_EMAIL', () => {
  let d: DeliveryApp;
  beforeAll(async () => {
    d = await DeliveryApp.start();
  });
  afterAll(() => d.close());

  it('still opens the case, and emails nobody', async () => {
    const support = { Authorization: `Bearer ${await d.t.keyFor('support')}` };
    const c = await d.customer('nosupport');
    const res = await d.t.http
      .post('/v1/check-ins')
      .set(support)
      .send({ customerId: c.externalId })
      .expect(201);
    await d.waitForStatus(res.body.messageId, 'sent');
    const match = /\/c\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\?answer=problem/.exec(
      d.received(res.body.messageId)[0].text,
    );
    await d.t.http.post(`/c/${match![1]}`).send({ answer: 'problem', comment: 'Help' }).expect(200);
    const cases = await d.t.db.query<{ status: string }[]>(
      'SELECT status FROM cases WHERE customer_id = $1',
      [c.id],
    );
    expect(cases).toEqual([{ status: 'open' }]);
    const notices = await d.t.db.query<unknown[]>(
      `SELECT 1 FROM messages WHERE kind = 'case-notice'`,
    );
    expect(notices).toEqual([]);
  });
});

type Fixture = { externalId: string; orderId: string };
