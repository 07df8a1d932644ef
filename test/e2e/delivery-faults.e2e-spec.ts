import { DisposableRedis } from '../support/redis-server';
import { hasRedisServerBinary } from '../support/services';
import { checkIn, DeliveryApp, messageIdHeader, sleep } from '../support/delivery';

const describeWithRedisBinary = hasRedisServerBinary() ? describe : describe.skip;

describeWithRedisBinary('delivery: Redis flushed while the engine keeps running', () => {
  let redis: DisposableRedis;
  let d: DeliveryApp;

  beforeAll(async () => {
    redis = await DisposableRedis.start();
    d = await DeliveryApp.start({
      REDIS_URL: redis.url,
      RECONCILE_INTERVAL_MS: '300',
      DELIVER_OVERDUE_MS: '1000',
    });
  });
  afterAll(async () => {
    await d.close();
    await redis.down();
  });

  // Guards a fixed bug: TypeORM answers `UPDATE … RETURNING` with [rows, rowCount], and the
  // reconciler once read that pair as rows, so every pass rolled back before re-queueing.
  it('delivers all 200 messages whose delayed jobs were flushed, each exactly once', async () => {
    const customers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => d.customer(`flush${i}`)),
    );
    const sendAt = new Date(Date.now() + 2_000);
    const ids = await d.schedule(
      ...Array.from({ length: 200 }, (_, i) => checkIn(customers[i % 20].id, { sendAt })),
    );
    expect(await d.deliverQueue.getDelayedCount()).toBe(200);

    await redis.flushAll();
    expect(await d.deliverQueue.getDelayedCount()).toBe(0);
    expect(Date.now()).toBeLessThan(sendAt.getTime());

    await d.t.waitFor(async () => {
      const [{ n }] = await d.t.db.query<{ n: string }[]>(
        `SELECT count(*) AS n FROM messages WHERE id = ANY($1::uuid[]) AND status = 'sent'`,
        [ids],
      );
      return Number(n) === 200;
    }, 15_000);
    // A little longer: a second job for any message would show up as a second copy.
    await sleep(1_000);
    const copies = ids.map((id) => d.sink.withMessageId(messageIdHeader(id)).length);
    expect(copies).toEqual(Array(200).fill(1));
    const rows = await d.rows(ids);
    expect(rows.filter((m) => m.attempts !== 1 || m.possibleDuplicate)).toEqual([]);
  });
});
