import type { EntityManager } from 'typeorm';

const UNIQUE_VIOLATION = '23505';

/** ON CONFLICT's extra cost passes the savepoint's two round trips at a few dozen rows. */
export const OPTIMISTIC_MIN_ROWS = 32;

/**
 * An INSERT that may meet rows already there (a retried page or event), run as
 * `insert(false)` (without ON CONFLICT) under a savepoint, and as `insert(true)` (with
 * ON CONFLICT DO NOTHING) only when the first hit a unique violation and was rolled back to
 * the savepoint.
 *
 * Why: ON CONFLICT makes every row a speculative insertion — each arbiter index is probed
 * before the heap insert, and the insert is confirmed by a WAL record of its own. A 1,000-row
 * page with three unique indexes took 33-51 ms that way against 19-22 ms as a plain INSERT.
 * Conflicts are rare, so the common case pays for a savepoint (two round trips) instead.
 *
 * Below `OPTIMISTIC_MIN_ROWS` rows it runs `insert(true)` at once: a round trip costs the
 * worker and Postgres ~0.1 ms of CPU together, more than ON CONFLICT costs a few rows, and
 * event evaluation writes many small pages (two thirds of its statements were the
 * savepoints of one- to ten-row inserts).
 *
 * The rows' ids are made by the caller (`ids`, one per row), so a plain INSERT that succeeded
 * inserted every one of them and needs to send nothing back; only `insert(true)` must return
 * the ids it inserted (`RETURNING id`). Answers the ids inserted.
 *
 * Must run inside the caller's transaction (a savepoint needs one).
 */
export async function insertOptimistically(
  q: Pick<EntityManager, 'query'>,
  ids: readonly string[],
  insert: (onConflictDoNothing: boolean) => Promise<{ id: string }[]>,
): Promise<Set<string>> {
  const skippingConflicts = async () => new Set((await insert(true)).map((row) => row.id));
  if (ids.length < OPTIMISTIC_MIN_ROWS) return skippingConflicts();
  await q.query('SAVEPOINT optimistic_insert');
  try {
    await insert(false);
    await q.query('RELEASE SAVEPOINT optimistic_insert');
    return new Set(ids);
  } catch (error) {
    const code =
      (error as { code?: string }).code ??
      (error as { driverError?: { code?: string } }).driverError?.code;
    if (code !== UNIQUE_VIOLATION) throw error;
    await q.query('ROLLBACK TO SAVEPOINT optimistic_insert');
    await q.query('RELEASE SAVEPOINT optimistic_insert');
    return skippingConflicts();
  }
}
