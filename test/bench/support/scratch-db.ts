import { Client } from 'pg';
import { migrate } from '../../../src/database/migrate';

/** Only databases with this prefix may be dropped: a mistyped URL must not cost real data. */
const SCRATCH_PREFIX = 'rm_bench';

function databaseName(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  if (!name.startsWith(SCRATCH_PREFIX)) {
    throw new Error(
      `refusing to use database "${name}" as scratch: its name must start with ${SCRATCH_PREFIX}`,
    );
  }
  return name;
}

async function withServerClient<T>(databaseUrl: string, work: (client: Client) => Promise<T>) {
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Drops the scratch database (disconnecting whoever is still on it). */
export async function dropScratchDatabase(databaseUrl: string): Promise<void> {
  const name = databaseName(databaseUrl);
  await withServerClient(databaseUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`),
  );
}

/** Drops and recreates the scratch database with every migration applied. */
export async function recreateScratchDatabase(
  databaseUrl: string,
  log: (line: string) => void,
): Promise<void> {
  await dropScratchDatabase(databaseUrl);
  await migrate(databaseUrl, (line) => log(`migrate: ${line}`));
}

/** One client on the scratch database for the duration of `work`. */
export async function withDatabase<T>(
  databaseUrl: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
