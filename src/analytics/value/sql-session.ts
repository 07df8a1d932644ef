/**
 * What the value computation needs of a database connection: statements with positional
 * parameters, answering rows. A TypeORM EntityManager or QueryRunner fits as it is (every
 * statement here is a SELECT or a CTE, which TypeORM returns as rows); a bare `pg` Client
 * fits through `pgSession` — the benchmark runs the nightly job that way.
 */
export interface SqlSession {
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
}

export const pgSession = (client: {
  query: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[] }>;
}): SqlSession => ({
  query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T,
});
