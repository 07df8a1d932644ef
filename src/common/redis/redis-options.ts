import type { RedisOptions } from 'bullmq';

/**
 * ioredis options from a `redis://` URL. BullMQ takes options, not URLs, and the two kinds
 * of connection differ: workers block and must retry forever; producers must fail fast so a
 * request never hangs on a Redis that is down (the relay re-adds what they could not).
 */
export function redisOptions(url: string, role: 'producer' | 'worker'): RedisOptions {
  const parsed = new URL(url);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: Number.isFinite(db) ? db : 0,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    ...(role === 'worker'
      ? { maxRetriesPerRequest: null }
      : { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 }),
    // Reconnect quickly after a Redis restart, but do not hammer it.
    retryStrategy: (times: number) => Math.min(200 * times, 2_000),
  };
}
