import { migrate } from '../../src/database/migrate';
import { databaseUrl, TEMPLATE_DB, withAdminClient } from './services';

/**
 * Once per run: a template database with every migration applied. Each test file clones it
 * (CREATE DATABASE … TEMPLATE), which takes a fraction of a second and isolates the files.
 */
export default async function globalSetup() {
  await withAdminClient(async (client) => {
    // Leftovers of an interrupted run.
    const stale = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'rm_test_%'",
    );
    for (const { datname } of stale.rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  });
  await migrate(databaseUrl(TEMPLATE_DB));
}
