import Redis from 'ioredis';

/** Escapes Redis glob characters so a prefix matches only itself. */
const globEscape = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');

/**
 * Deletes every key under `<prefix>:` (all BullMQ queues of that prefix). Returns how many
 * keys went. Only bench prefixes are accepted, so the application's queues are safe.
 */
export async function deleteQueueKeys(redisUrl: string, prefix: string): Promise<number> {
  if (!/^rmbench/.test(prefix)) throw new Error(`refusing to delete keys of prefix "${prefix}"`);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true });
  await redis.connect();
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(
        cursor,
        'MATCH',
        `${globEscape(prefix)}:*`,
        'COUNT',
        2000,
      );
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}
