import {
  checkIn,
  DeliveryApp,
  MAIL_FROM,
  messageIdHeader,
  PUBLIC_BASE_URL,
  sleep,
} from '../support/delivery';
import { WorkerProcess } from '../support/worker-process';

const MESSAGES = 2000;
const CUSTOMERS = 100;

/**
 * The API in this process, the worker in a child process that is killed with SIGKILL in the
 * middle of the sends and replaced: every message must arrive, and any copy the crash caused
 * must be among the messages flagged `possible_duplicate`.
 */
describe('delivery: a worker killed with SIGKILL mid-send and restarted', () => {
  let d: DeliveryApp;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    d = await DeliveryApp.start({ APP_ROLE: 'api' });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await d.close();
  });

  const startWorker = () => {
    const worker = WorkerProcess.spawn({
      DATABASE_URL: d.t.config.databaseUrl,
      REDIS_URL: d.t.config.redisUrl,
      QUEUE_PREFIX: d.t.config.queuePrefix,
      SMTP_URL: d.sink.url,
      MAIL_FROM,
      PUBLIC_BASE_URL,
      QUIET_HOURS: 'off',
      FREQUENCY_CAP: 'off',
      SENDING_LOCK_MS: '3000',
      RECONCILE_INTERVAL_MS: '500',
      DELIVER_OVERDUE_MS: '2000',
      DELIVER_CONCURRENCY: '20',
      LOG_LEVEL: 'warn',
    });
    workers.push(worker);
    return worker;
  };

  const sentCount = async (ids: string[]) => {
    const [{ n }] = await d.t.db.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM messages WHERE id = ANY($1::uuid[]) AND status = 'sent'`,
      [ids],
    );
    return Number(n);
  };

  it(`delivers all ${MESSAGES} messages, and every duplicate is flagged`, async () => {
    const customers = await Promise.all(
      Array.from({ length: CUSTOMERS }, (_, i) => d.customer(`crash${i}`)),
    );
    const ids = await d.schedule(
      ...Array.from({ length: MESSAGES }, (_, i) => checkIn(customers[i % CUSTOMERS].id)),
    );
    const ours = new Set(ids.map(messageIdHeader));
    const receivedOfOurs = () => d.sink.received.filter((m) => ours.has(m.messageId));

    const started = Date.now();
    const since = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    const first = startWorker();
    try {
      await d.t.waitFor(
        () => Promise.resolve(receivedOfOurs().length >= 300 || !first.running),
        60_000,
      );
      expect(first.running).toBe(true);
      await first.kill();
      const atKill = receivedOfOurs().length;
      const killedAt = since();
      expect(atKill).toBeLessThan(MESSAGES);
      expect(await sentCount(ids)).toBeLessThan(MESSAGES);

      const second = startWorker();
      // The jobs the dead worker held stay active in Redis until BullMQ's stalled-job check
      // (every 30 s) has seen them twice without a lock: one to two minutes after the kill.
      await d.t.waitFor(
        async () => (await sentCount(ids)) === MESSAGES || !second.running,
        150_000,
      );
      expect(second.running).toBe(true);
      expect(await sentCount(ids)).toBe(MESSAGES);
      const allSentAt = since();
      await sleep(1_000);

      const received = receivedOfOurs();
      const copies = new Map<string, number>();
      for (const m of received) copies.set(m.messageId, (copies.get(m.messageId) ?? 0) + 1);
      expect(ids.filter((id) => !copies.has(messageIdHeader(id)))).toEqual([]);
      const duplicates = received.length - MESSAGES;
      const [{ flagged }] = await d.t.db.query<{ flagged: string }[]>(
        'SELECT count(*) AS flagged FROM messages WHERE id = ANY($1::uuid[]) AND possible_duplicate',
        [ids],
      );
      // Only a message whose send the crash interrupted may arrive twice, and it says so.
      const duplicated = ids.filter((id) => copies.get(messageIdHeader(id))! > 1);
      const rows = await d.rows(duplicated);
      expect(rows.filter((m) => !m.possibleDuplicate).map((m) => m.id)).toEqual([]);
      expect(duplicates).toBeLessThanOrEqual(Number(flagged));
      console.log(
        `SIGKILL at ${killedAt} after ${atKill} of ${MESSAGES} received; all sent at ${allSentAt}: ` +
          `${duplicates} duplicate(s) at the sink, ${flagged} message(s) flagged possible_duplicate`,
      );
    } catch (error) {
      console.log(workers.map((w, i) => `--- worker ${i + 1} ---\n${w.log}`).join('\n'));
      throw error;
    }
  }, 240_000);
});
