import { randomUUID } from 'node:crypto';
import { createWorkerContext } from '../../src/bootstrap';
import { Clock } from '../../src/common/clock';
import { DeliveryService } from '../../src/messaging/delivery/delivery.service';
import { checkIn, DeliveryApp, messageIdHeader, offer } from '../support/delivery';

const DAY_MS = 24 * 3600 * 1000;

describe('delivery: the frequency cap defers, never drops (FREQUENCY_CAP=3/P7D)', () => {
  let d: DeliveryApp;
  beforeAll(async () => {
    d = await DeliveryApp.start({ FREQUENCY_CAP: '3/P7D', DELIVER_CONCURRENCY: '20' });
  });
  afterAll(() => d.close());

  it('sends three and defers the fourth to when the first leaves the 7-day window', async () => {
    const cap = await d.customer('cap');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const [id] = await d.schedule(offer(cap.id));
      await d.waitForStatus(id, 'sent');
      ids.push(id);
    }
    const [fourth] = await d.schedule(offer(cap.id));
    const deferred = await d.waitForMessage(fourth, (m) => m.reason === 'frequency_cap');
    expect(deferred.status).toBe('scheduled');

    const sent = await d.rows(ids);
    const firstSend = Math.min(...sent.map((m) => m.sentAt!.getTime()));
    expect(Math.abs(deferred.sendAt.getTime() - (firstSend + 7 * DAY_MS))).toBeLessThan(60_000);
    expect(d.sink.to(cap.email)).toHaveLength(3);
    expect(d.received(fourth)).toHaveLength(0);
    const history = await d.history(fourth);
    expect(history.map((h) => [h.status, h.reason])).toEqual([
      ['scheduled', null],
      ['deferred', 'frequency_cap'],
    ]);
    expect(history[1].detail).toBe(deferred.sendAt.toISOString());
  });

  it('never sends more than three of ten due at once, across two workers', async () => {
    // A second worker on the same database and queue, as a second process would be.
    const second = await createWorkerContext({ ...d.t.config, role: 'worker' });
    const claims = {
      first: jest.spyOn(d.t.app.get(DeliveryService), 'claim'),
      second: jest.spyOn(second.get(DeliveryService), 'claim'),
    };
    try {
      const many = await d.customer('many');
      const ids = await d.schedule(...Array.from({ length: 10 }, () => offer(many.id)));
      const rows = await d.waitForSettled(ids);
      const byStatus = rows.map((m) => `${m.status}:${m.reason ?? ''}`).sort();
      expect(byStatus).toEqual(
        [...Array(3).fill('sent:'), ...Array(7).fill('scheduled:frequency_cap')].sort(),
      );
      expect(d.sink.to(many.email)).toHaveLength(3);
      // Each message was looked at once, by one worker or the other, and deferred for days.
      expect(claims.first.mock.calls.length + claims.second.mock.calls.length).toBe(10);
    } finally {
      claims.first.mockRestore();
      claims.second.mockRestore();
      await second.close();
    }
  });

  it('sends other customers’ messages while some are held by another transaction', async () => {
    const held = await Promise.all([1, 2].map((i) => d.customer(`held${i}`)));
    const others = await Promise.all([1, 2, 3, 4].map((i) => d.customer(`free${i}`)));
    // Another writer (an ingestion batch writing orders, say) holds two customers' rows: as
    // many as a worker runs batches of capped claims at once.
    const runner = d.t.db.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query('SELECT 1 FROM customers WHERE id = ANY($1::bigint[]) FOR NO KEY UPDATE', [
        held.map((c) => c.id),
      ]);
      const ids = await d.schedule(...[...held, ...others].map((c) => offer(c.id)));
      const [waiting, going] = [ids.slice(0, 2), ids.slice(2)];
      await Promise.all(going.map((id) => d.waitForStatus(id, 'sent', 5_000)));
      // Their claims were handed back, then wait for the locks: not taken meanwhile.
      for (const id of waiting) expect((await d.row(id)).status).toBe('scheduled');
      await runner.commitTransaction();
      await Promise.all(waiting.map((id) => d.waitForStatus(id, 'sent')));
      for (const c of held) expect(d.sink.to(c.email)).toHaveLength(1);
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it('cancels a message that would expire before the cap lets it go (expired)', async () => {
    const exp = await d.customer('exp');
    const ids = await d.schedule(offer(exp.id), offer(exp.id), offer(exp.id));
    await Promise.all(ids.map((id) => d.waitForStatus(id, 'sent')));
    const [late] = await d.schedule(
      offer(exp.id, { expiresAt: new Date(Date.now() + 2 * DAY_MS) }),
    );
    const row = await d.waitForMessage(late, (m) => m.status !== 'scheduled');
    expect(row).toMatchObject({ status: 'cancelled', reason: 'expired' });
    expect(d.sink.to(exp.email)).toHaveLength(3);
  });
});

describe('delivery: priority decides who gets the last place under the cap', () => {
  let d: DeliveryApp;
  beforeAll(async () => {
    // One job at a time: the low-priority message, queued first, is looked at first.
    d = await DeliveryApp.start({ FREQUENCY_CAP: '1/P7D', DELIVER_CONCURRENCY: '1' });
  });
  afterAll(() => d.close());

  it('sends the priority 90 message and defers the priority 10 one due at the same time', async () => {
    const pia = await d.customer('pia');
    const [low, high] = await d.schedule(
      offer(pia.id, { priority: 10 }),
      offer(pia.id, { priority: 90 }),
    );
    const rows = await d.waitForSettled([low, high]);
    expect(rows[1]).toMatchObject({ status: 'sent' });
    expect(rows[0]).toMatchObject({ status: 'scheduled', reason: 'priority' });
    expect(rows[0].sendAt.getTime()).toBeGreaterThan(Date.now());
    expect(d.sink.to(pia.email).map((m) => m.messageId)).toEqual([messageIdHeader(high)]);
  });
});

/**
 * US daylight-saving Sundays of `year`: second Sunday of March, first of November. Computed
 * from the calendar rule, independently of the code under test.
 */
function usDstSundays(year: number) {
  const sunday = (month: number, nth: number) => {
    const firstDow = new Date(Date.UTC(year, month, 1)).getUTCDay();
    const day = 1 + ((7 - firstDow) % 7) + 7 * (nth - 1);
    return `${year}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  };
  return { springForward: sunday(2, 2), fallBack: sunday(10, 1) };
}

describe('delivery: quiet hours in the customer time zone across daylight-saving changes', () => {
  let d: DeliveryApp;
  let fakeNow = new Date();
  /**
   * Next year's changes, so the moved Clock is ahead of real time: BullMQ delays by the real
   * clock, and a deferral to a moment already past would make the job run again at once.
   * (For 2026 the same cases read 2026-03-08T04:30Z → 12:00Z and 2026-11-01T03:30Z → 13:00Z.)
   */
  const { springForward, fallBack } = usDstSundays(new Date().getUTCFullYear() + 1);

  beforeAll(async () => {
    d = await DeliveryApp.start({ QUIET_HOURS: '21:00-08:00' });
    jest.spyOn(d.t.app.get(Clock), 'now').mockImplementation(() => new Date(fakeNow));
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await d.close();
  });

  it.each([
    // Saturday 23:30 EST (UTC-5) → Sunday 08:00 EDT (UTC-4), the clocks having sprung forward.
    [
      'spring forward',
      () => `${prevDay(springForward)}T23:30:00-05:00`,
      () => `${springForward}T12:00:00.000Z`,
    ],
    // Saturday 23:30 EDT (UTC-4) → Sunday 08:00 EST (UTC-5), the clocks having fallen back.
    ['fall back', () => `${prevDay(fallBack)}T23:30:00-04:00`, () => `${fallBack}T13:00:00.000Z`],
  ])('%s: defers a 23:30 message to 08:00 local, then sends it then', async (_, at, expected) => {
    // The suite runs under TZ=Asia/Kolkata (npm test sets it): the server's own zone must not leak in.
    expect(new Date().getTimezoneOffset()).toBe(-330);
    fakeNow = new Date(at());
    const nyc = await d.customer('nyc', { timezone: 'America/New_York' });
    const [id] = await d.schedule(offer(nyc.id, { sendAt: new Date() }));

    const deferred = await d.waitForMessage(id, (m) => m.reason === 'quiet_hours');
    expect(deferred.status).toBe('scheduled');
    expect(deferred.sendAt.toISOString()).toBe(expected());
    expect(await d.deliverQueue.getJobState(id)).toBe('delayed');
    expect(d.received(id)).toHaveLength(0);

    fakeNow = new Date(expected());
    await (await d.deliverQueue.getJob(id))!.promote();
    await d.waitForStatus(id, 'sent');
    expect(d.received(id)).toHaveLength(1);
    const history = await d.history(id);
    expect(history.map((h) => [h.status, h.reason, h.detail])).toEqual([
      ['scheduled', null, null],
      ['deferred', 'quiet_hours', expected()],
      ['sending', null, null],
      ['sent', null, expect.any(String)],
    ]);
  });
});

function prevDay(isoDate: string) {
  return new Date(Date.parse(`${isoDate}T12:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
}

describe('delivery: an open support case holds marketing', () => {
  let d: DeliveryApp;
  beforeAll(async () => {
    d = await DeliveryApp.start();
  });
  afterAll(() => d.close());

  const openCase = async (name: string) => {
    const customer = await d.customer(name);
    const caseId = randomUUID();
    await d.t.db.query(`INSERT INTO cases (id, customer_id, status) VALUES ($1, $2, 'open')`, [
      caseId,
      customer.id,
    ]);
    return { ...customer, caseId };
  };

  it('defers marketing (open_case) while a service message still goes', async () => {
    const cas = await openCase('case');
    const [held, service] = await d.schedule(offer(cas.id), checkIn(cas.id));
    const row = await d.waitForMessage(held, (m) => m.reason === 'open_case');
    expect(row.status).toBe('scheduled');
    expect(row.sendAt.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
    await d.waitForStatus(service, 'sent');
    expect(d.received(held)).toHaveLength(0);
    expect((await d.history(held)).map((h) => [h.status, h.reason])).toEqual([
      ['scheduled', null],
      ['deferred', 'open_case'],
    ]);
  });

  // Guards a fixed bug: TypeORM answers `UPDATE … RETURNING` with [rows, rowCount], and the
  // release once read that pair as rows, so its history insert got null ids and rolled back.
  it('sends the held message once the case is resolved and released', async () => {
    const cas = await openCase('resolved');
    const [held] = await d.schedule(offer(cas.id));
    await d.waitForMessage(held, (m) => m.reason === 'open_case');

    await d.t.db.query(`UPDATE cases SET status = 'resolved', resolved_at = now() WHERE id = $1`, [
      cas.caseId,
    ]);
    expect(await d.messages.releaseHeldForCase(cas.id)).toBe(1);
    await d.waitForStatus(held, 'sent');
    expect(d.received(held)).toHaveLength(1);
    expect((await d.history(held)).map((h) => [h.status, h.reason])).toEqual([
      ['scheduled', null],
      ['deferred', 'open_case'],
      ['scheduled', 'case_resolved'],
      ['sending', null],
      ['sent', null],
    ]);
  });
});
