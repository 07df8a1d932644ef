import { DisposableRedis } from '../support/redis-server';
import { hasRedisServerBinary } from '../support/services';
import { checkIn, DeliveryApp, sleep } from '../support/delivery';

/** A horizon of 2 s: the promoter runs every 500 ms and reaches 1 s ahead. */
const HORIZON = { DELIVER_JOB_HORIZON_MS: '2000' };

async function watermark(d: DeliveryApp): Promise<Date> {
  const [row] = await d.t.db.query<{ promoted_until: Date }[]>(
    'SELECT promoted_until FROM deliver_promotion WHERE id = 1',
  );
  return row.promoted_until;
}

/** Resolves with the time the message's job first shows up in Redis, polling every 20 ms. */
async function jobAppears(d: DeliveryApp, id: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await d.deliverQueue.getJobState(id)) !== 'unknown') return Date.now();
    if (Date.now() > deadline) throw new Error(`no job for ${id} within ${timeoutMs} ms`);
    await sleep(20);
  }
}

describe('delivery: jobs only within the horizon, the promoter adds the rest', () => {
  let d: DeliveryApp;

  beforeAll(async () => {
    d = await DeliveryApp.start(HORIZON);
  });
  afterAll(() => d.close());

  it('queues a message due within the horizon at once and one due later through the promoter, each sent once', async () => {
    const customer = await d.customer('horizon');
    const soonAt = new Date(Date.now() + 1_500);
    const laterAt = new Date(Date.now() + 5_000);
    const [soon, later] = await d.schedule(
      checkIn(customer.id, { sendAt: soonAt }),
      checkIn(customer.id, { sendAt: laterAt }),
    );

    // Message ids are time-ordered UUIDs (uuid_v7).
    expect(
      [soon, later].every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]/.test(id)),
    ).toBe(true);
    // Right after scheduling: the one due in 1.5 s has its delayed job, the other only a row.
    expect(await d.deliverQueue.getJobState(soon)).toBe('delayed');
    expect(await d.deliverQueue.getJobState(later)).toBe('unknown');
    expect((await d.row(later)).status).toBe('scheduled');
    expect(Date.now()).toBeLessThan(laterAt.getTime() - 2_000);

    // The promoter adds it once it is within half the horizon, before it is due.
    const promotedAt = await jobAppears(d, later, 6_000);
    expect(promotedAt).toBeGreaterThanOrEqual(laterAt.getTime() - 1_000);
    expect(promotedAt).toBeLessThan(laterAt.getTime());
    const job = await d.deliverQueue.getJob(later);
    expect(job?.opts.jobId).toBe(later);
    expect(job!.timestamp + (job!.opts.delay ?? 0)).toBeGreaterThanOrEqual(laterAt.getTime() - 5);
    // The watermark moves once Redis has the page's jobs, so a moment after the job shows up.
    await d.t.waitFor(async () => (await watermark(d)).getTime() >= laterAt.getTime(), 2_000);

    const [soonRow, laterRow] = await Promise.all([
      d.waitForStatus(soon, 'sent'),
      d.waitForStatus(later, 'sent', 10_000),
    ]);
    // Not before its time: the promoted job waited until the send time.
    expect(laterRow.sentAt!.getTime()).toBeGreaterThanOrEqual(laterAt.getTime());
    expect(soonRow.sentAt!.getTime()).toBeGreaterThanOrEqual(soonAt.getTime());
    // A little longer: a second job for either would show up as a second copy.
    await sleep(1_500);
    expect(d.received(soon)).toHaveLength(1);
    expect(d.received(later)).toHaveLength(1);
    expect((await d.rows([soon, later])).map((r) => [r.attempts, r.possibleDuplicate])).toEqual([
      [1, false],
      [1, false],
    ]);
  });
});

const describeWithRedisBinary = hasRedisServerBinary() ? describe : describe.skip;

describeWithRedisBinary('delivery: the promoter and the reconciler after a Redis flush', () => {
  let redis: DisposableRedis;
  let d: DeliveryApp;

  beforeAll(async () => {
    redis = await DisposableRedis.start();
    d = await DeliveryApp.start({
      // 4 s: the promoter runs every second and reaches 2 s ahead, so there is a second or
      // more between a promotion and the send time for the flush to fall into.
      DELIVER_JOB_HORIZON_MS: '4000',
      REDIS_URL: redis.url,
      RECONCILE_INTERVAL_MS: '300',
      DELIVER_OVERDUE_MS: '1000',
    });
  });
  afterAll(async () => {
    await d.close();
    await redis.down();
  });

  it('delivers promoted messages whose jobs were flushed and those not yet promoted, each once', async () => {
    const customers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => d.customer(`horizon-flush${i}`)),
    );
    const promotedAt = new Date(Date.now() + 5_000);
    const unpromotedAt = new Date(Date.now() + 10_000);
    const promoted = await d.schedule(
      ...customers.map((c) => checkIn(c.id, { sendAt: promotedAt })),
    );
    const unpromoted = await d.schedule(
      ...customers.map((c) => checkIn(c.id, { sendAt: unpromotedAt })),
    );
    expect(await d.deliverQueue.getDelayedCount()).toBe(0);

    // Wait for the promoter to add the first ten jobs, then lose them.
    await Promise.all(promoted.map((id) => jobAppears(d, id, 8_000)));
    expect(Date.now()).toBeLessThan(promotedAt.getTime());
    expect(await d.deliverQueue.getJobState(unpromoted[0])).toBe('unknown');
    await redis.flushAll();
    expect(await d.deliverQueue.getDelayedCount()).toBe(0);
    // The flushed ones are below the watermark: the reconciler's, once they are overdue.
    await d.t.waitFor(async () => (await watermark(d)).getTime() >= promotedAt.getTime(), 2_000);

    const ids = [...promoted, ...unpromoted];
    await d.t.waitFor(async () => {
      const [{ n }] = await d.t.db.query<{ n: string }[]>(
        `SELECT count(*) AS n FROM messages WHERE id = ANY($1::uuid[]) AND status = 'sent'`,
        [ids],
      );
      return Number(n) === ids.length;
    }, 20_000);
    await sleep(1_500);
    expect(ids.map((id) => d.received(id).length)).toEqual(Array(ids.length).fill(1));
    const rows = await d.rows(ids);
    expect(rows.filter((m) => m.attempts !== 1 || m.possibleDuplicate)).toEqual([]);
    expect(rows.filter((m) => unpromoted.includes(m.id) && m.sentAt! < unpromotedAt).length).toBe(
      0,
    );
  });
});
