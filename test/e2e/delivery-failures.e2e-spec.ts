import { randomUUID } from 'node:crypto';
import { createWorkerContext } from '../../src/bootstrap';
import { RATE_LIMIT_PAUSE_MS } from '../../src/messaging/delivery/deliver.processor';
import { addressHash, checkIn, DeliveryApp, messageIdHeader, offer } from '../support/delivery';

type Reply = { code: number; message: string } | undefined;

/**
 * Scripts the sink per recipient: each test talks to its own address, so scripts never
 * leak from one test into another, and a script is in place before the first attempt.
 */
function scriptedReplies(d: DeliveryApp) {
  const scripts = new Map<string, (attempt: number) => Reply>();
  d.sink.respondWith((mail, attempt) => scripts.get(mail.to[0])?.(attempt));
  return (email: string, script: (attempt: number) => Reply) =>
    scripts.set(email.toLowerCase(), script);
}

describe('delivery: temporary and permanent SMTP failures', () => {
  let d: DeliveryApp;
  let script: ReturnType<typeof scriptedReplies>;
  beforeAll(async () => {
    d = await DeliveryApp.start({ DELIVER_MAX_ATTEMPTS: '3', DELIVER_BACKOFF_MS: '100' });
    script = scriptedReplies(d);
  });
  afterAll(() => d.close());

  it('retries a 451 and delivers once when the server then accepts', async () => {
    const tia = await d.customer('tia');
    script(tia.email, (attempt) =>
      attempt === 1 ? { code: 451, message: '4.3.0 Local error in processing' } : undefined,
    );
    const [id] = await d.schedule(checkIn(tia.id));
    const row = await d.waitForStatus(id, 'sent');
    expect(row).toMatchObject({ attempts: 2, lastError: null });
    // Both attempts carried the same Message-ID, and exactly one was accepted.
    expect(d.sink.attempts.get(messageIdHeader(id))).toBe(2);
    expect(d.received(id)).toHaveLength(1);
    expect(d.sink.to(tia.email)).toHaveLength(1);
    expect(row.providerMessageId).toBe(d.received(id)[0].queueId);
    const history = await d.history(id);
    expect(history.map((h) => [h.status, h.reason])).toEqual([
      ['scheduled', null],
      ['sending', null],
      ['scheduled', 'retrying'],
      ['sending', null],
      ['sent', null],
    ]);
    expect(history[2].detail).toContain('451');
  });

  it('records a send the server accepted once Postgres answers again, and never sends it twice', async () => {
    const una = await d.customer('una');
    // A real fault in the real database: the first two writes of `sent` for this customer's
    // messages fail (a sequence is not rolled back with them, so it counts the tries).
    const tag = randomUUID().replace(/-/g, '').slice(0, 12);
    await d.t.db.query(`CREATE SEQUENCE fail_sent_${tag}`);
    await d.t.db.query(`
      CREATE FUNCTION fail_sent_${tag}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.customer_id = ${Number(una.id)} AND NEW.status = 'sent'
           AND nextval('fail_sent_${tag}') <= 2 THEN
          RAISE EXCEPTION 'injected: the database refused to record the send';
        END IF;
        RETURN NEW;
      END $$`);
    await d.t.db.query(
      `CREATE TRIGGER fail_sent_${tag} BEFORE UPDATE ON messages
         FOR EACH ROW EXECUTE FUNCTION fail_sent_${tag}()`,
    );
    try {
      const [id] = await d.schedule(checkIn(una.id));
      const row = await d.waitForStatus(id, 'sent');
      const tries = await d.t.db.query<{ n: string }[]>(
        `SELECT last_value AS n FROM fail_sent_${tag}`,
      );
      expect(Number(tries[0].n)).toBeGreaterThanOrEqual(3);
      // Claimed once, sent once: the failed records did not put the message back.
      expect(row).toMatchObject({ attempts: 1, possibleDuplicate: false });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(d.sink.attempts.get(messageIdHeader(id))).toBe(1);
      expect(d.received(id)).toHaveLength(1);
      expect((await d.history(id)).map((h) => h.status)).toEqual(['scheduled', 'sending', 'sent']);
    } finally {
      await d.t.db.query(`DROP TRIGGER fail_sent_${tag} ON messages`);
      await d.t.db.query(`DROP FUNCTION fail_sent_${tag}()`);
      await d.t.db.query(`DROP SEQUENCE fail_sent_${tag}`);
    }
  });

  it('fails with the last error after DELIVER_MAX_ATTEMPTS temporary failures', async () => {
    const tom = await d.customer('tom');
    script(tom.email, (attempt) => ({
      code: 451,
      message: `4.3.0 Local error in processing (attempt ${attempt})`,
    }));
    const [id] = await d.schedule(offer(tom.id));
    const row = await d.waitForStatus(id, 'failed');
    expect(row).toMatchObject({ attempts: 3, reason: 'temporary_failures_exhausted' });
    expect(row.lastError).toContain('451');
    expect(row.lastError).toContain('(attempt 3)');
    expect(d.sink.attempts.get(messageIdHeader(id))).toBe(3);
    expect(d.received(id)).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(d.sink.attempts.get(messageIdHeader(id))).toBe(3);
  });

  it('fails at once on 550 5.1.1, suppresses the address and sends nothing more to it', async () => {
    const email = `No.Such.User.${randomUUID().slice(0, 8)}@Example.COM`;
    const ghost = await d.customer('ghost', { email });
    d.sink.rejectRecipient(email, 550, '5.1.1 no such user');
    const offered = () => d.sink.recipientsOffered.filter((a) => a === email.toLowerCase()).length;

    const [id] = await d.schedule(checkIn(ghost.id));
    const row = await d.waitForStatus(id, 'failed');
    expect(row).toMatchObject({ attempts: 1, reason: 'rejected' });
    expect(row.lastError).toContain('5.1.1 no such user');
    const suppressions = await d.t.db.query<{ reason: string; scope: string }[]>(
      'SELECT reason, scope FROM suppressions WHERE email_hash = $1',
      [addressHash(email)],
    );
    expect(suppressions).toEqual([{ reason: 'hard_bounce', scope: 'all' }]);
    expect(offered()).toBe(1);

    const next = await d.schedule(checkIn(ghost.id), offer(ghost.id));
    const rows = await d.waitForSettled(next);
    expect(rows.map((m) => [m.status, m.reason])).toEqual([
      ['suppressed', 'suppressed'],
      ['suppressed', 'suppressed'],
    ]);
    expect(offered()).toBe(1);
    expect(d.sink.to(email)).toHaveLength(0);
  });
});

describe('delivery: a provider rate limit slows the queue without using up attempts', () => {
  let d: DeliveryApp;
  let script: ReturnType<typeof scriptedReplies>;
  beforeAll(async () => {
    d = await DeliveryApp.start({ DELIVER_MAX_ATTEMPTS: '2', DELIVER_BACKOFF_MS: '100' });
    script = scriptedReplies(d);
  });
  afterAll(() => d.close());

  // Each rate-limit reply pauses RATE_LIMIT_PAUSE_MS (15 s) at most: two replies, one more
  // than the attempts left after the first, show that they are not counted as attempts.
  const LIMITED = 2;
  it(
    `sends after ${LIMITED} "421 4.7.0 slow down" replies with DELIVER_MAX_ATTEMPTS=2`,
    async () => {
      const ray = await d.customer('ray');
      script(ray.email, (attempt) =>
        attempt <= LIMITED
          ? { code: 421, message: '4.7.0 Too many messages, slow down' }
          : undefined,
      );
      const [id] = await d.schedule(offer(ray.id));
      const row = await d.waitForStatus(id, 'sent', LIMITED * RATE_LIMIT_PAUSE_MS + 15_000);
      expect(row.attempts).toBe(LIMITED + 1);
      expect(d.received(id)).toHaveLength(1);
      const offers = d.sink.offers.filter((o) => o.messageId === messageIdHeader(id));
      expect(offers.map((o) => o.code)).toEqual([...Array(LIMITED).fill(421), 250]);
      const history = await d.history(id);
      expect(history.filter((h) => h.reason === 'retrying')).toHaveLength(LIMITED);
    },
    LIMITED * RATE_LIMIT_PAUSE_MS + 30_000,
  );

  // Guards a fixed bug: BullMQ honours the pause `worker.rateLimit()` sets only on a worker
  // configured with a `limiter` (moveToActive reads opts.limiter.max). Without one, as with
  // SEND_RATE_PER_SECOND=0, the pause was local to one worker and the other message went
  // ~200 ms after the 421.
  it(
    'pauses the whole queue, across workers: a message due right after a 421 waits',
    async () => {
      const second = await createWorkerContext({ ...d.t.config, role: 'worker' });
      try {
        const slow = await d.customer('slow');
        const next = await d.customer('next');
        script(slow.email, (attempt) =>
          attempt === 1 ? { code: 421, message: '4.7.0 Too many messages, slow down' } : undefined,
        );
        const [limited] = await d.schedule(offer(slow.id));
        await d.t.waitFor(() =>
          Promise.resolve(d.sink.attempts.get(messageIdHeader(limited)) === 1),
        );
        const limitedAt = d.sink.offers.find((o) => o.messageId === messageIdHeader(limited))!.at;
        const [other] = await d.schedule(checkIn(next.id));
        await d.waitForStatus(other, 'sent', RATE_LIMIT_PAUSE_MS + 15_000);
        const otherAt = d.sink.offers.find((o) => o.messageId === messageIdHeader(other))!.at;
        expect(otherAt - limitedAt).toBeGreaterThanOrEqual(RATE_LIMIT_PAUSE_MS * 0.9);
      } finally {
        await second.close();
      }
    },
    RATE_LIMIT_PAUSE_MS + 30_000,
  );
});
