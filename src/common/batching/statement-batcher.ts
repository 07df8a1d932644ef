import DataLoader from 'dataloader';

/**
 * Gathers the calls that concurrent jobs make within a few milliseconds into one statement.
 * A worker running 64 deliveries at once otherwise pays a round trip, a plan and a commit
 * (a WAL flush) per message for each step; one statement over many rows pays them once.
 *
 * Each caller still gets its own answer and awaits its own rows being committed, so a job
 * completes only after what it wrote is durable. If the statement fails, every caller of
 * that batch sees the error and its job is retried as if it had run alone.
 *
 * DataLoader does the gathering; its cache is off, because these are writes and fresh reads.
 */
export function statementBatcher<K, V>(
  run: (keys: readonly K[]) => Promise<V[]>,
  options: { maxBatch?: number; waitMs?: number } = {},
): (key: K) => Promise<V> {
  const waitMs = options.waitMs ?? 2;
  const loader = new DataLoader<K, V>(run, {
    cache: false,
    maxBatchSize: options.maxBatch ?? 256,
    batchScheduleFn: (flush) => setTimeout(flush, waitMs),
  });
  return (key) => loader.load(key);
}
