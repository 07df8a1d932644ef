import { DataSource, EntityManager, QueryFailedError, type QueryRunner } from 'typeorm';

/**
 * A hot statement run as a named prepared statement: each connection parses, analyzes and
 * rewrites it once, then only binds and executes it.
 *
 * Why: the delivery worker runs three large statements (read with every fact, take for
 * sending, record sent) for every ten or so messages. Named, Postgres CPU per sent message
 * fell from 0.33-0.38 ms to 0.28 ms (`BENCH_SECTIONS=delivery npm run bench`). The event
 * evaluator's seven statements of a wave, named the same way, changed nothing measurable
 * (Postgres 66-67 % of a core in `rules-events` either way), so they stay unnamed.
 *
 * Still planned for their values every time: the connections run with
 * `plan_cache_mode=force_custom_plan` (data-source-options.ts). With Postgres's default, a
 * connection switches to one generic plan after five executions when that looks no dearer;
 * in one benchmark run the read then took 3.5 ms a call instead of 0.4 ms, most likely a
 * plan made during the warm-up, while `messages` was small, and kept after it had grown.
 */
export interface PreparedStatement {
  /** Unique per text: a connection refuses a second text under a name it has prepared. */
  name: string;
  text: string;
}

/** The queries the statements run on: the DataSource, a transaction's manager, or anything else. */
type Queryable = Pick<EntityManager, 'query'>;

interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * Runs the statement on the transaction's connection (an EntityManager of a transaction), or
 * on a pooled connection of its own (the DataSource). Anything else that can `query` (a test's
 * or a benchmark's own client) runs the text unprepared. Errors are TypeORM's
 * `QueryFailedError`, as `query` would throw, so callers that read `driverError.code` keep
 * working.
 */
export async function runPrepared<T>(
  q: Queryable,
  statement: PreparedStatement,
  values: unknown[],
): Promise<T[]> {
  let runner: QueryRunner | undefined;
  let own = false;
  if (q instanceof DataSource) {
    runner = q.createQueryRunner();
    own = true;
  } else if (q instanceof EntityManager) {
    runner = q.queryRunner ?? q.connection.createQueryRunner();
    own = !q.queryRunner;
  }
  if (!runner) return q.query<T[]>(statement.text, values);
  try {
    const client = (await runner.connect()) as PgClient;
    const result = await client.query({ name: statement.name, text: statement.text, values });
    return result.rows as T[];
  } catch (error) {
    if (error instanceof QueryFailedError || !(error instanceof Error)) throw error;
    throw new QueryFailedError(statement.text, values, error);
  } finally {
    if (own) await runner.release();
  }
}
