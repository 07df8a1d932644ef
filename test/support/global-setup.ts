import { migrate } from '../../src/database/migrate';
import { databaseUrl, withAdminClient } from './services';

/** Test databases older than this are leftovers of an interrupted run. */
const STALE_AFTER_S = 3 * 3600;

/**
 * Once per run: a template database with every migration applied. Each test file clones it
 * (CREATE DATABASE … TEMPLATE), which takes a fraction of a second and isolates the files.
 * Names carry the run's start time, so two runs side by side never drop each other's.
 */
export default async function globalSetup() {
  const runId = `${Math.floor(Date.now() / 1000)}_${process.pid}`;
  const template = `rm_test_${runId}_template`;
  process.env.RM_TEST_TEMPLATE_DB = template;
  process.env.RM_TEST_RUN_ID = runId;
  await withAdminClient(async (client) => {
    const all = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'rm\\_test\\_%'",
    );
    const now = Math.floor(Date.now() / 1000);
    for (const { datname } of all.rows) {
      const started = Number(/^rm_test_(\d+)_/.exec(datname)?.[1] ?? 0);
      if (now - started > STALE_AFTER_S) {
        await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
    }
  });
  await migrate(databaseUrl(template));
}
