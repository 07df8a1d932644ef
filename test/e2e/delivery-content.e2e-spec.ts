import { OPTIMISTIC_MIN_ROWS } from '../../src/database/optimistic-insert';
import { evaluateJobId } from '../../src/common/queue/queues';
import {
  addressHash,
  checkIn,
  DeliveryApp,
  MAIL_DOMAIN,
  MAIL_FROM,
  messageIdHeader,
  offer,
  PUBLIC_BASE_URL,
} from '../support/delivery';

/** What the customer receives, and what the engine records about it. */
describe('delivery: content, unsubscribe, consent, operations', () => {
  let d: DeliveryApp;
  const marketerKey = () => d.t.keyFor('marketer');

  beforeAll(async () => {
    d = await DeliveryApp.start();
  });
  afterAll(() => d.close());

  it('sends a marketing message with its headers, HTML and text parts, and records it', async () => {
    const ada = await d.customer('ada', { firstName: 'Ada', lastName: 'Lovelace' });
    const [id] = await d.schedule(offer(ada.id));
    const row = await d.waitForStatus(id, 'sent');

    const [mail] = d.received(id);
    expect(d.received(id)).toHaveLength(1);
    expect(mail.to).toEqual([ada.email.toLowerCase()]);
    expect(mail.headers.from).toBe(MAIL_FROM);
    expect(mail.headers.to).toBe(ada.email);
    expect(mail.messageId).toBe(`<${id}@${MAIL_DOMAIN}>`);
    expect(mail.subject).toBe('Ada, a few extras picked for your order SO-1001');
    // HTML: the template inside the layout, with the footer.
    expect(mail.html).toContain('<!DOCTYPE html>');
    expect(mail.html).toContain('Hello Ada,');
    expect(mail.html).toContain('Felt sleeve');
    expect(mail.html).toContain('1 Example Street, 00000 Example City');
    // Text: generated from that HTML (the template has no text part): words, no tags.
    expect(mail.text).toContain('Hello Ada,');
    expect(mail.text).toContain('Felt sleeve');
    expect(mail.text).toContain('1 Example Street, 00000 Example City');
    expect(mail.text).not.toMatch(/<\/?(td|p|table|div)\b/i);
    // One-click unsubscribe (RFC 2369 / 8058), pointing at the public base URL.
    expect(mail.headers['list-unsubscribe']).toMatch(
      new RegExp(`^<${PUBLIC_BASE_URL.replace(/\./g, '\\.')}/u/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+>$`),
    );
    expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    const unsubscribeUrl = mail.headers['list-unsubscribe'].slice(1, -1);
    expect(mail.html).toContain(`href="${unsubscribeUrl}"`);
    expect(mail.text).toContain(unsubscribeUrl);

    expect(row).toMatchObject({
      status: 'sent',
      providerMessageId: mail.queueId,
      templateVersion: 1,
      subject: mail.subject,
    });
    const api = await d.t.http
      .get(`/v1/messages/${id}`)
      .set('Authorization', `Bearer ${await marketerKey()}`)
      .expect(200);
    expect(api.body).toMatchObject({
      id,
      customerId: ada.externalId,
      status: 'sent',
      class: 'marketing',
      module: 'product-extras',
      template: { key: 'product-extras.offer', version: 1 },
      attempts: 1,
      providerMessageId: mail.queueId,
    });
    expect((api.body.history as { status: string }[]).map((h) => h.status)).toEqual([
      'scheduled',
      'sending',
      'sent',
    ]);
    const events = await d.t.db.query<
      {
        type: string;
        source: string;
        customer_id: string;
        properties: Record<string, unknown>;
        evaluated: boolean;
        evaluation_count: number;
      }[]
    >(
      `SELECT type, source, customer_id, properties, evaluated_at IS NOT NULL AS evaluated,
              evaluation_count FROM events WHERE id = $1`,
      [`message-sent.${id}`],
    );
    // No rule listens to message.sent here: the event is stored as evaluated, with no job.
    expect(events).toEqual([
      {
        type: 'message.sent',
        source: 'engine',
        customer_id: ada.id,
        properties: expect.objectContaining({ messageId: id, module: 'product-extras' }),
        evaluated: true,
        evaluation_count: 1,
      },
    ]);
    expect(await d.evaluateQueue.getJob(evaluateJobId(`message-sent.${id}`))).toBeUndefined();
  });

  it('schedules idempotently: known dedupe keys answer with the first message, in order, and the transaction goes on', async () => {
    const cy = await d.customer('idem', { firstName: 'Cy' });
    // Due next year: nothing is sent, this is about the rows.
    const later = { sendAt: new Date(Date.now() + 365 * 24 * 3600_000) };
    const [a, b] = [offer(cy.id, later), offer(cy.id, later)];
    const [first] = await d.messages.schedule([a]);
    expect(first.created).toBe(true);
    // A page with a known key (a plain INSERT fails on it and falls back to ON CONFLICT), a
    // new one, and the same key twice in one page.
    const answered = await d.t.db.transaction(async (em) => {
      const scheduled = await d.messages.insert(em, [b, a, b]);
      // The transaction is still usable after the fallback.
      const [{ n }] = await em.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM messages WHERE customer_id = $1',
        [cy.id],
      );
      return { scheduled, n };
    });
    expect(answered.n).toBe(2);
    const [newB, oldA, againB] = answered.scheduled;
    expect(oldA).toMatchObject({ id: first.id, created: false });
    expect(newB.created).toBe(true);
    expect(againB).toMatchObject({ id: newB.id, created: false });
    // One history row per message, none from the attempt that was rolled back.
    const history = await d.t.db.query<{ message_id: string }[]>(
      'SELECT message_id FROM message_status_changes WHERE message_id = ANY($1::uuid[])',
      [[first.id, newB.id]],
    );
    expect(history.map((h) => h.message_id).sort()).toEqual([first.id, newB.id].sort());

    // A page big enough for the plain INSERT under a savepoint: a known key makes it fall
    // back to ON CONFLICT, and the transaction goes on.
    const fresh = Array.from({ length: OPTIMISTIC_MIN_ROWS }, () => offer(cy.id, later));
    const big = await d.t.db.transaction(async (em) => {
      const scheduled = await d.messages.insert(em, [...fresh, a]);
      const [{ n }] = await em.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM messages WHERE customer_id = $1',
        [cy.id],
      );
      return { scheduled, n };
    });
    expect(big.n).toBe(2 + fresh.length);
    expect(big.scheduled.slice(0, -1).every((m) => m.created)).toBe(true);
    expect(big.scheduled[fresh.length]).toMatchObject({ id: first.id, created: false });
    const [{ rows }] = await d.t.db.query<{ rows: number }[]>(
      'SELECT count(*)::int AS rows FROM message_status_changes WHERE message_id = ANY($1::uuid[])',
      [big.scheduled.map((m) => m.id)],
    );
    // The known message's one row, and one per new message (none from the rolled-back try).
    expect(rows).toBe(1 + fresh.length);
  });

  it('sends a service message without List-Unsubscribe', async () => {
    const bo = await d.customer('bo', { firstName: 'Bo' });
    const [id] = await d.schedule(checkIn(bo.id));
    await d.waitForStatus(id, 'sent');
    const [mail] = d.received(id);
    expect(mail.messageId).toBe(messageIdHeader(id));
    expect(mail.subject).toBe('How is everything with your order SO-2002?');
    expect(mail.html).toContain('All good');
    expect(mail.headers).not.toHaveProperty('list-unsubscribe');
    expect(mail.headers).not.toHaveProperty('list-unsubscribe-post');
  });

  it('HTML-escapes customer data in the HTML part', async () => {
    const mallory = await d.customer('mallory', { firstName: '<script>alert(1)</script>' });
    const [id] = await d.schedule(offer(mallory.id));
    await d.waitForStatus(id, 'sent');
    const [mail] = d.received(id);
    expect(mail.html).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt;,');
    expect(mail.html.toLowerCase()).not.toContain('<script');
  });

  it('keeps a first name with CR LF out of the headers: one-line subject, no Bcc', async () => {
    const eve = await d.customer('eve', { firstName: 'Eve' });
    await d.t.db.query('UPDATE customers SET first_name = $2 WHERE id = $1', [
      eve.id,
      'Eve\r\nBcc: evil@example.com',
    ]);
    const [id] = await d.schedule(offer(eve.id));
    const row = await d.waitForStatus(id, 'sent');
    const [mail] = d.received(id);
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.subject).toBe(
      'Eve Bcc: evil@example.com, a few extras picked for your order SO-1001',
    );
    expect(row.subject).toBe(mail.subject);
    // The envelope and the header block: one recipient, and no Bcc header was smuggled in.
    expect(mail.to).toEqual([eve.email.toLowerCase()]);
    expect(d.sink.to('evil@example.com')).toHaveLength(0);
    expect(d.sink.recipientsOffered).not.toContain('evil@example.com');
    expect(mail.headers).not.toHaveProperty('bcc');
    const headerBlock = mail.raw.split(/\r?\n\r?\n/)[0];
    expect(headerBlock).not.toMatch(/^bcc:/im);
  });

  it('one-click unsubscribe from the List-Unsubscribe header stops the next marketing message', async () => {
    const una = await d.customer('una', { firstName: 'Una' });
    const [first] = await d.schedule(offer(una.id));
    await d.waitForStatus(first, 'sent');
    const url = new URL(d.received(first)[0].headers['list-unsubscribe'].slice(1, -1));
    expect(url.origin).toBe(PUBLIC_BASE_URL);

    const res = await d.t.http
      .post(url.pathname)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('List-Unsubscribe=One-Click');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('You are unsubscribed');
    const suppressions = await d.t.db.query<{ reason: string; scope: string }[]>(
      'SELECT reason, scope FROM suppressions WHERE email_hash = $1',
      [addressHash(una.email)],
    );
    expect(suppressions).toEqual([{ reason: 'unsubscribed', scope: 'marketing' }]);

    const [next] = await d.schedule(offer(una.id));
    const suppressed = await d.waitForStatus(next, 'suppressed');
    expect(suppressed.reason).toBe('unsubscribed');
    const [service] = await d.schedule(checkIn(una.id));
    await d.waitForStatus(service, 'sent');
    expect(d.received(next)).toHaveLength(0);
    expect(d.sink.to(una.email).map((m) => m.messageId)).toEqual([
      messageIdHeader(first),
      messageIdHeader(service),
    ]);
  });

  it('shows the unsubscribe page, and scope=all stops service messages too', async () => {
    const sol = await d.customer('sol', { firstName: 'Sol' });
    const [first] = await d.schedule(offer(sol.id));
    await d.waitForStatus(first, 'sent');
    const path = new URL(d.received(first)[0].headers['list-unsubscribe'].slice(1, -1)).pathname;

    const page = await d.t.http.get(path);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('Sol, which emails should we stop sending you?');
    expect(page.text).toMatch(/<form method="post" action="\/u\/[^"]+">/);
    expect(page.text).toMatch(/value="marketing" checked/);
    expect(page.text.toLowerCase()).not.toContain('<script');

    const res = await d.t.http.post(path).type('form').send({ scope: 'all' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('You will not get any more email');
    expect((await d.t.http.get(path)).text).toMatch(/value="all" checked/);

    const [service] = await d.schedule(checkIn(sol.id));
    const row = await d.waitForStatus(service, 'suppressed');
    expect(row.reason).toBe('suppressed');
    const [marketing] = await d.schedule(offer(sol.id));
    await d.waitForStatus(marketing, 'suppressed');
    expect(d.sink.to(sol.email)).toHaveLength(1);
  });

  it('answers forged and garbage unsubscribe tokens with a 404 page and changes nothing', async () => {
    const fay = await d.customer('fay');
    const [first] = await d.schedule(offer(fay.id));
    await d.waitForStatus(first, 'sent');
    const token = new URL(d.received(first)[0].headers['list-unsubscribe'].slice(1, -1)).pathname
      .split('/')
      .pop()!;
    const [payload, signature] = token.split('.');
    const flip = (s: string, i: number) =>
      s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const bad = [
      `${payload}.${flip(signature, 3)}`,
      `${flip(payload, 1)}.${signature}`,
      'garbage',
      'a.b.c',
      `${payload}.`,
      'x'.repeat(600),
    ];
    for (const value of bad) {
      for (const method of ['get', 'post'] as const) {
        const path = `/u/${encodeURIComponent(value)}`;
        const res =
          method === 'get'
            ? await d.t.http.get(path)
            : await d.t.http.post(path).type('form').send('List-Unsubscribe=One-Click');
        expect({ value, method, status: res.status }).toEqual({ value, method, status: 404 });
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.text).toContain('This link does not work');
      }
    }
    const [{ n }] = await d.t.db.query<{ n: string }[]>(
      'SELECT count(*) AS n FROM suppressions WHERE email_hash = $1',
      [addressHash(fay.email)],
    );
    expect(Number(n)).toBe(0);
    const [again] = await d.schedule(offer(fay.id));
    await d.waitForStatus(again, 'sent');
  });

  it('suppresses marketing without consent (no_consent) and still sends service messages', async () => {
    const nic = await d.customer('nic', { marketingConsent: false });
    const [marketing, service] = await d.schedule(offer(nic.id), checkIn(nic.id));
    const row = await d.waitForStatus(marketing, 'suppressed');
    expect(row.reason).toBe('no_consent');
    await d.waitForStatus(service, 'sent');
    expect(d.sink.to(nic.email).map((m) => m.messageId)).toEqual([messageIdHeader(service)]);
  });

  it('exposes delivery metrics on public /metrics and Bull Board to admins only', async () => {
    const metric = async (name: string, labels: Record<string, string> = {}) => {
      const res = await d.t.http.get('/metrics').expect(200);
      return metricValue(res.text, name, labels);
    };
    const sentExtras = { status: 'sent', module: 'product-extras' };
    const sentCheckIns = { status: 'sent', module: 'post-purchase' };
    const before = {
      extras: (await metric('retention_mix_messages_finished_total', sentExtras)) ?? 0,
      checkIns: (await metric('retention_mix_messages_finished_total', sentCheckIns)) ?? 0,
      sends: (await metric('retention_mix_send_duration_seconds_count')) ?? 0,
    };
    const mo = await d.customer('mo');
    const ids = await d.schedule(
      offer(mo.id),
      checkIn(mo.id),
      checkIn(mo.id),
      offer(mo.id, { sendAt: new Date(Date.now() + 3_600_000) }),
    );
    await Promise.all(ids.slice(0, 3).map((id) => d.waitForStatus(id, 'sent')));

    expect(await metric('retention_mix_messages_finished_total', sentExtras)).toBe(
      before.extras + 1,
    );
    expect(await metric('retention_mix_messages_finished_total', sentCheckIns)).toBe(
      before.checkIns + 2,
    );
    expect(await metric('retention_mix_send_duration_seconds_count')).toBe(before.sends + 3);
    expect(await metric('retention_mix_send_duration_seconds_bucket', { le: '+Inf' })).toBe(
      before.sends + 3,
    );
    // The message due in an hour waits in the deliver queue's delayed set.
    expect(await metric('retention_mix_queue_jobs', { queue: 'deliver', state: 'delayed' })).toBe(
      1,
    );
    expect(
      await metric('retention_mix_queue_jobs', { queue: 'deliver', state: 'waiting' }),
    ).toBeDefined();

    const anonymous = await d.t.http.get('/queues');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Basic /);
    const marketer = await d.t.http.get('/queues').auth('mia', await marketerKey());
    expect(marketer.status).toBe(401);
    const admin = await d.t.http.get('/queues').auth('anyone', d.t.adminKey);
    expect(admin.status).toBe(200);
    expect(admin.headers['content-type']).toMatch(/^text\/html/);
  });

  describe('GET /v1/messages', () => {
    let lee: { id: string; externalId: string };
    let ids: string[];
    let otherId: string;
    const list = async (query: Record<string, string | number>) =>
      d.t.http
        .get('/v1/messages')
        .query(query)
        .set('Authorization', `Bearer ${await marketerKey()}`);
    const idsOf = (res: { body: { items: { id: string }[] } }) =>
      res.body.items.map((m) => m.id).sort();

    beforeAll(async () => {
      lee = await d.customer('lee', { marketingConsent: false });
      const other = await d.customer('other');
      // One call, as a rule run makes: the five rows share created_at, their ids break the tie.
      ids = await d.schedule(
        checkIn(lee.id),
        checkIn(lee.id),
        offer(lee.id),
        offer(lee.id, { module: 'reinforcing-promotions', kind: 'promotion' }),
        offer(lee.id, { module: 'reinforcing-promotions', kind: 'promotion' }),
      );
      [otherId] = await d.schedule(checkIn(other.id));
      await d.waitForSettled([...ids, otherId]);
    });

    it('filters by customer, status and module', async () => {
      const all = await list({ customerId: lee.externalId });
      expect(all.status).toBe(200);
      expect(idsOf(all)).toEqual([...ids].sort());
      expect(idsOf(await list({ customerId: lee.externalId, status: 'sent' }))).toEqual(
        ids.slice(0, 2).sort(),
      );
      expect(idsOf(await list({ customerId: lee.externalId, status: 'suppressed' }))).toEqual(
        ids.slice(2).sort(),
      );
      expect(
        idsOf(await list({ customerId: lee.externalId, module: 'reinforcing-promotions' })),
      ).toEqual(ids.slice(3).sort());
      const everyonesSent = idsOf(await list({ status: 'sent', limit: 200 }));
      expect(everyonesSent).toContain(otherId);
      expect(everyonesSent).not.toContain(ids[2]);
    });

    // Guards a fixed bug: a cursor that kept created_at to the millisecond (Date#toISOString)
    // against a column with microseconds skipped every row sharing the last row's millisecond.
    it('pages with a cursor: limit=2 over 5 messages gives 3 pages, no overlap', async () => {
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const res = await list({
          customerId: lee.externalId,
          limit: 2,
          ...(cursor ? { cursor } : {}),
        });
        expect(res.status).toBe(200);
        pages.push(idsOf(res));
        cursor = res.body.nextCursor as string | null;
      } while (cursor && pages.length < 5);
      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      expect(cursor).toBeNull();
      expect(pages.flat().sort()).toEqual([...ids].sort());
    });

    it('refuses a cursor it did not give out with a 422 naming `cursor`', async () => {
      const forged = Buffer.from('{"at":"2026-01-01T00:00:00Z","id":"nope"}').toString('base64url');
      for (const cursor of ['not-a-cursor', forged]) {
        const res = await list({ cursor });
        expect(res.status).toBe(422);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.errors).toEqual([expect.objectContaining({ path: 'cursor' })]);
      }
    });
  });
});

/** The value of one sample of a Prometheus text exposition, or undefined when absent. */
function metricValue(text: string, name: string, labels: Record<string, string>) {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}
