import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { EvaluateProcessor } from '../../src/events/evaluate.processor';
import { QUEUES } from '../../src/common/queue/queues';
import { DisposableRedis } from '../support/redis-server';
import { hasRedisServerBinary } from '../support/services';
import { createTestApp, TestApp } from '../support/test-app';

const describeWithRedisBinary = hasRedisServerBinary() ? describe : describe.skip;

describeWithRedisBinary('ingestion while Redis is unreachable', () => {
  let redis: DisposableRedis;
  let t: TestApp;
  let key: string;
  const auth = () => ({ Authorization: `Bearer ${key}` });
  const event = (id: string) => ({
    id,
    type: 'page.viewed',
    customerId: 'rita',
    occurredAt: '2026-06-01T10:00:00Z',
  });

  /** Every event's evaluation count, by id. */
  const counts = async () => {
    const rows = await t.db.query<{ id: string; evaluation_count: number }[]>(
      'SELECT id, evaluation_count FROM events',
    );
    return new Map(rows.map((r) => [r.id, r.evaluation_count]));
  };
  const allEvaluatedOnce = async (ids: string[]) => {
    const c = await counts();
    return ids.every((id) => c.get(id) === 1);
  };

  beforeAll(async () => {
    redis = await DisposableRedis.start();
    t = await createTestApp({
      REDIS_URL: redis.url,
      EVENT_RELAY_STALE_MS: '1500',
      QUEUE_ADD_TIMEOUT_MS: '500',
    });
    key = await t.keyFor('ingest');
    await t.http
      .put('/v1/customers/rita')
      .set(auth())
      .send({ email: 'rita@example.com' })
      .expect(201);
  });
  afterAll(async () => {
    await redis.up();
    await t.close();
    await redis.down();
  });

  it('accepts events while Redis is down and queues each exactly once when it is back', async () => {
    const before = Array.from({ length: 10 }, (_, i) => `before-${i}`);
    for (const id of before)
      await t.http.post('/v1/events').set(auth()).send(event(id)).expect(202);
    await t.waitFor(() => allEvaluatedOnce(before));

    await redis.down();
    const health = await t.http.get('/health');
    expect(health.status).toBe(503);
    expect(health.body.checks.redis.status).toBe('down');
    expect(health.body.checks.database.status).toBe('up');

    const during = Array.from({ length: 30 }, (_, i) => `during-${i}`);
    for (const id of during.slice(0, 10)) {
      const res = await t.http.post('/v1/events').set(auth()).send(event(id));
      expect(res.status).toBe(202);
      expect(res.body.status).toBe('accepted');
    }
    const batch = await t.http
      .post('/v1/events/batch')
      .set(auth())
      .send({ events: during.slice(10).map(event) });
    expect(batch.status).toBe(202);
    expect(batch.body.accepted).toBe(20);
    const [{ unqueued }] = await t.db.query<{ unqueued: string }[]>(
      "SELECT count(*) AS unqueued FROM events WHERE id LIKE 'during-%' AND enqueued_at IS NULL",
    );
    expect(Number(unqueued)).toBe(30);

    await redis.up();
    await t.waitFor(() => allEvaluatedOnce(during), 20_000);
    // A little longer: a second job for any event would show up as a count of 2.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const final = await counts();
    expect([...before, ...during].map((id) => final.get(id))).toEqual(Array(40).fill(1));
    expect((await t.http.get('/health')).status).toBe(200);
  });

  it('re-queues events whose jobs a flushed Redis lost', async () => {
    const worker = t.app.get<EvaluateProcessor>(EvaluateProcessor).worker;
    await worker.pause();
    const lost = Array.from({ length: 15 }, (_, i) => `lost-${i}`);
    await t.http
      .post('/v1/events/batch')
      .set(auth())
      .send({ events: lost.map(event) })
      .expect(202);
    const queue = t.app.get<Queue>(getQueueToken(QUEUES.evaluate.name), { strict: false });
    expect(await queue.getWaitingCount()).toBe(15);

    await redis.flushAll();
    await worker.resume();
    await t.waitFor(() => allEvaluatedOnce(lost), 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const final = await counts();
    expect(lost.map((id) => final.get(id))).toEqual(Array(15).fill(1));
  });
});
