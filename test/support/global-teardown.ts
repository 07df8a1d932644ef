import { withAdminClient } from './services';

/** Drops this run's template (each test file already dropped its own clone). */
export default async function globalTeardown() {
  const template = process.env.RM_TEST_TEMPLATE_DB;
  if (!template) return;
  await withAdminClient((client) =>
    client.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`),
  );
}
