import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';

/** One place for how we talk to Postgres; used by the app, the CLI and the tests. */
export function dataSourceOptions(databaseUrl: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: [join(__dirname, 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    // Errors reach our own handlers and logs; TypeORM's console logger would print retried deadlocks.
    logging: false,
    poolSize,
    extra: {
      application_name: 'retention-mix',
      // Our named statements (prepared-statement.ts) are planned for their values every time,
      // as unnamed ones are: a plan cached while a table was small outlives its growth.
      options: '-c plan_cache_mode=force_custom_plan',
    },
  };
}
