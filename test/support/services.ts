import { execSync } from 'node:child_process';
import { Client } from 'pg';

/** Where the tests find Postgres and Redis: the machine's defaults unless told otherwise. */
export const TEST_PG_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The migrated template of this run (named by global-setup). */
export const templateDb = () => {
  const name = process.env.RM_TEST_TEMPLATE_DB;
  if (!name) throw new Error('RM_TEST_TEMPLATE_DB is unset: run the e2e tests through jest');
  return name;
};

/** A database name for one test file, marked with the run so stale ones can be found. */
export const testDbName = (label: string) =>
  `rm_test_${process.env.RM_TEST_RUN_ID ?? '0_0'}_${label}`;

export function databaseUrl(name: string): string {
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdminClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A free TCP port on loopback, found by asking the kernel. */
export function freePort(): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const net = require('node:net') as typeof import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export const hasRedisServerBinary = () => {
  try {
    execSync('command -v redis-server', { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
