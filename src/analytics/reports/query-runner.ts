import type { EntityManager } from 'typeorm';

/** Anything that runs SQL: a DataSource, or an EntityManager inside a transaction. */
export type QueryRunnerLike = Pick<EntityManager, 'query'>;
