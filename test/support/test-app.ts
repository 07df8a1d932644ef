import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { createHttpApp } from '../../src/bootstrap';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { Role } from '../../src/common/auth/roles';
import { databaseUrl, templateDb, testDbName, TEST_REDIS_URL, withAdminClient } from './services';

/** The rep the `sales` key of `keyFor('sales')` belongs to. */
export const SALES_KEY_OWNER = 'test-sales-rep@example.com';

export interface TestApp {
  app: INestApplication;
  http: TestAgent;
  config: AppConfig;
  db: DataSource;
  adminKey: string;
  /** Creates (once per role) and returns an API key of that role. */
  keyFor(role: Role): Promise<string>;
  /** Resolves when `check` returns a truthy value, polling; fails after `timeoutMs`. */
  waitFor<T>(check: () => Promise<T>, timeoutMs?: number): Promise<NonNullable<T>>;
  close(): Promise<void>;
}

/**
 * A real application (HTTP and workers in one process, as `npm start` runs it) on its own
 * fresh database cloned from the migrated template and its own Redis key prefix.
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const suffix = randomBytes(4).toString('hex');
  const dbName = testDbName(`${process.env.JEST_WORKER_ID ?? '0'}_${suffix}`);
  await withAdminClient((client) =>
    client.query(`CREATE DATABASE "${dbName}" TEMPLATE "${templateDb()}"`),
  );
  const adminKey = `test-admin-${randomBytes(16).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl(dbName),
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: `rmt_${suffix}`,
    ADMIN_API_KEY: adminKey,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    EVENT_RELAY_INTERVAL_MS: '200',
    EVENT_RELAY_GRACE_MS: '300',
    ...env,
  });
  const app = await createHttpApp(config);
  await app.init();
  const http = request(app.getHttpServer());
  const keys = new Map<Role, string>();

  const waitFor = async <T>(
    check: () => Promise<T>,
    timeoutMs = 15_000,
  ): Promise<NonNullable<T>> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  return {
    app,
    http,
    config,
    db: app.get(DataSource),
    adminKey,
    waitFor,
    async keyFor(role) {
      if (role === 'admin') return adminKey;
      const existing = keys.get(role);
      if (existing) return existing;
      const res = await http
        .post('/v1/api-keys')
        .set('Authorization', `Bearer ${adminKey}`)
        // A sales key belongs to one rep (its tasks); this one to SALES_KEY_OWNER.
        .send({
          name: `test ${role}`,
          role,
          ...(role === 'sales' ? { ownerEmail: SALES_KEY_OWNER } : {}),
        });
      if (res.status !== 201)
        throw new Error(`could not create a ${role} key: ${res.status} ${res.text}`);
      const key = (res.body as { key: string }).key;
      keys.set(role, key);
      return key;
    },
    async close() {
      await app.close();
      await withAdminClient((client) =>
        client.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`),
      );
      await deleteKeys(config.redisUrl, `${config.queuePrefix}:*`);
    },
  };
}

/** Removes a test's Redis keys (SCAN, never KEYS, so a shared Redis is not blocked). */
export async function deleteKeys(redisUrl: string, pattern: string) {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (found.length) await redis.del(...found);
    } while (cursor !== '0');
  } catch {
    // Redis may be the thing a test stopped; nothing to clean then.
  } finally {
    redis.disconnect();
  }
}
