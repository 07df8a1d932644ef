import { Client } from 'pg';

const connects = async (connectionString: string) => {
  const client = new Client({ connectionString });
  try {
    await client.connect();
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === '3D000') return false; // database does not exist
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
};

/**
 * Creates the database named in the URL when it does not exist yet, by connecting to the
 * server's `postgres` database. A fresh machine has Postgres but not our database; a managed
 * Postgres has the database and may not let us reach `postgres`, so we look first.
 */
export async function createDatabaseIfMissing(databaseUrl: string): Promise<boolean> {
  if (await connects(databaseUrl)) return false;
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return true;
  } catch (error) {
    // Two processes starting at once: the loser sees "already exists" (42P04) or, when
    // both got past the check, a unique violation on pg_database (23505). Both are fine.
    const code = (error as { code?: string }).code;
    if (code === '42P04' || code === '23505') return false;
    throw error;
  } finally {
    await client.end();
  }
}
