import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { createDatabaseIfMissing } from './create-database';
import { dataSourceOptions } from './data-source-options';

const MIGRATION_LOCK = 727_000;

/** Creates the database if needed and applies pending migrations; what `npm run migration:run` does. */
export async function migrate(databaseUrl: string, log: (line: string) => void = () => {}) {
  if (await createDatabaseIfMissing(databaseUrl)) log('created database');
  const dataSource = new DataSource(dataSourceOptions(databaseUrl, 1));
  await dataSource.initialize();
  try {
    // api and worker containers start together and both migrate: one waits for the other.
    await dataSource.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const migration of applied) log(`applied ${migration.name}`);
    if (applied.length === 0) log('schema is up to date');
    await dataSource.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  const config = loadConfig(process.env);
  migrate(config.databaseUrl, (line) => console.log(`migrate: ${line}`)).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
