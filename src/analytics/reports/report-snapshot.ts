import type { DataSource } from 'typeorm';
import type { QueryRunnerLike } from './query-runner';

/** Memory for one sort or hash of a report: a year of orders groups ~1M customers. */
export const REPORT_WORK_MEM = '64MB';

/**
 * Runs a report's queries in one read-only REPEATABLE READ transaction: all of them see the
 * same snapshot, so the sections of a report agree with each other even while events keep
 * arriving (a customer counted as new is also in the revenue of new customers).
 *
 * Two settings, local to the transaction. JIT compilation off: the statements are costed
 * high enough (a million customers) for Postgres to JIT-compile, inline and optimize them,
 * which took about three seconds per statement on the benchmark data, longer than running
 * them. And `work_mem` raised, so grouping a long period's orders by customer stays in
 * memory instead of spilling to disk; reports are rare, so the memory is there.
 */
export function inReportSnapshot<T>(
  db: DataSource,
  report: (q: QueryRunnerLike) => Promise<T>,
): Promise<T> {
  return db.transaction('REPEATABLE READ', async (em) => {
    await em.query('SET TRANSACTION READ ONLY');
    await em.query('SET LOCAL jit = off');
    await em.query(`SET LOCAL work_mem = '${REPORT_WORK_MEM}'`);
    return report(em);
  });
}
