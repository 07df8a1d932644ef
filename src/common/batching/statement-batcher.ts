import DataLoader from 'dataloader';

/**
 * Gathers the calls that concurrent jobs make within a few milliseconds into one statement.
 * A worker running 64 deliveries at once otherwise pays a round trip, a plan and a commit
 * (a WAL flush) per message for each step; one statement over many rows pays them once.
 *
 * Each caller still gets its own answer and awaits its own rows being committed, so a job
 * completes only after what it wrote is durable. If the statement fails, every caller of
 * that batch sees the error and its job is retried as if it had run alone; an `Error` in the
 * answer fails that one caller only.
 *
 * With `maxInFlight`, a batch waits while that many are running and keeps gathering (group
 * commit): the busier the worker, the larger the batches, instead of many small batches that
 * queue for the same connections and row locks.
 *
 * DataLoader does the gathering; its cache is off, because these are writes and fresh reads.
 */
export function statementBatcher<K, V>(
  run: (keys: readonly K[]) => Promise<(V | Error)[]>,
  options: { maxBatch?: number; waitMs?: number; maxInFlight?: number } = {},
): (key: K) => Promise<V> {
  const waitMs = options.waitMs ?? 2;
  const maxInFlight = options.maxInFlight ?? Infinity;
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const counted = async (keys: readonly K[]) => {
    inFlight += 1;
    try {
      return await run(keys);
    } finally {
      inFlight -= 1;
      waiting.shift()?.();
    }
  };
  const loader = new DataLoader<K, V>(counted, {
    cache: false,
    maxBatchSize: options.maxBatch ?? 256,
    batchScheduleFn: (flush) =>
      setTimeout(() => (inFlight < maxInFlight ? flush() : waiting.push(flush)), waitMs),
  });
  return (key) => loader.load(key);
}
