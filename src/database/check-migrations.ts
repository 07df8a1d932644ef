import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { Client } from 'pg';
import { loadConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { migrate } from './migrate';

/**
 * Fails when the entities and the migrations disagree: applies every migration to a scratch
 * database, then asks TypeORM what it would still have to change. Anything at all is drift.
 */
async function main() {
  const base = new URL(loadConfig(process.env).databaseUrl);
  const scratchName = `rm_migration_check_${process.pid}`;
  const scratch = new URL(base.toString());
  scratch.pathname = `/${scratchName}`;
  const admin = new URL(base.toString());
  admin.pathname = '/postgres';

  await migrate(scratch.toString());
  const dataSource = new DataSource(dataSourceOptions(scratch.toString(), 1));
  await dataSource.initialize();
  let drift: string[] = [];
  try {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    drift = pending.upQueries.map((query) => query.query);
  } finally {
    await dataSource.destroy();
    const client = new Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${scratchName}"`);
    await client.end();
  }
  if (drift.length > 0) {
    console.error(
      'Entities and migrations differ. Run `npm run migration:generate -- src/database/migrations/<Name>`.',
    );
    for (const query of drift) console.error(`  ${query}`);
    process.exit(1);
  }
  console.log('migration:check: entities and migrations agree');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
