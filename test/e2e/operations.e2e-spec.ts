import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  databaseUrl,
  freePort,
  templateDb,
  testDbName,
  TEST_REDIS_URL,
  withAdminClient,
} from '../support/services';
import { createTestApp, deleteKeys, TestApp } from '../support/test-app';

describe('operations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('reports Postgres and Redis as up on /health without a key', async () => {
    const res = await t.http.get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      checks: { database: { status: 'up' }, redis: { status: 'up' } },
    });
  });

  it('serves OpenAPI at /docs and /docs-json describing every endpoint, its roles and errors', async () => {
    const ui = await t.http.get('/docs/');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
    const doc = (await t.http.get('/docs-json')).body as {
      paths: Record<
        string,
        Record<
          string,
          { summary?: string; responses: Record<string, unknown>; security?: unknown[] }
        >
      >;
    };
    const expected = [
      ['post', '/v1/api-keys'],
      ['delete', '/v1/api-keys/{id}'],
      ['put', '/v1/customers/{externalId}'],
      ['get', '/v1/customers/{externalId}'],
      ['delete', '/v1/customers/{externalId}'],
      ['put', '/v1/accounts/{externalId}'],
      ['put', '/v1/products/{sku}'],
      ['post', '/v1/events'],
      ['post', '/v1/events/batch'],
      ['get', '/health'],
    ];
    for (const [method, path] of expected) {
      expect(doc.paths[path]?.[method]).toBeDefined();
    }
    const putCustomer = doc.paths['/v1/customers/{externalId}'].put;
    expect(putCustomer.summary).toContain('ingest');
    expect(Object.keys(putCustomer.responses)).toEqual(
      expect.arrayContaining(['401', '403', '422', '400', '413']),
    );
    expect(putCustomer.security).toBeDefined();
  });

  it('answers unknown routes with a problem+json 404', async () => {
    const res = await t.http.get('/v1/nothing-here').set('Authorization', `Bearer ${t.adminKey}`);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});

describe('graceful shutdown', () => {
  let child: ChildProcess | undefined;
  const dbName = testDbName(`shutdown_${randomBytes(4).toString('hex')}`);
  const prefix = `rmt_${randomBytes(4).toString('hex')}`;

  afterAll(async () => {
    child?.kill('SIGKILL');
    await withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`));
    await deleteKeys(TEST_REDIS_URL, `${prefix}:*`);
  });

  it('on SIGTERM stops taking requests, finishes what it has and exits on its own', async () => {
    await withAdminClient((c) => c.query(`CREATE DATABASE "${dbName}" TEMPLATE "${templateDb()}"`));
    const port = await freePort();
    const adminKey = `shutdown-admin-${randomBytes(12).toString('hex')}`;
    child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(__dirname, '../../src/main.ts')],
      {
        env: {
          ...process.env,
          PORT: String(port),
          DATABASE_URL: databaseUrl(dbName),
          REDIS_URL: TEST_REDIS_URL,
          QUEUE_PREFIX: prefix,
          ADMIN_API_KEY: adminKey,
          LOG_LEVEL: 'warn',
          SHUTDOWN_TIMEOUT_MS: '20000',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 45_000;
    for (;;) {
      const ok = await fetch(`${base}/health`)
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error('the service did not start');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const headers = { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' };
    await fetch(`${base}/v1/customers/sam`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ email: 'sam@example.com' }),
    });
    // Requests in flight when the signal arrives are answered.
    const inFlight = Array.from({ length: 20 }, (_, i) =>
      fetch(`${base}/v1/events`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          id: `sd-${i}`,
          type: 'page.viewed',
          customerId: 'sam',
          occurredAt: '2026-06-01T10:00:00Z',
        }),
      }).then((r) => r.status),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = Date.now();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child!.once('exit', (code, signal) => resolve({ code, signal })),
    );
    child.kill('SIGTERM');
    const statuses = await Promise.all(inFlight.map((p) => p.catch(() => 'refused')));
    const { code, signal } = await exited;
    // Nest re-raises the signal after closing, so the process ends by SIGTERM, not our backstop exit(1).
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
    expect(Date.now() - started).toBeLessThan(20_000);
    // Every request either completed (and its event is stored) or was never taken.
    const accepted = statuses.filter((s) => s === 202).length;
    expect(statuses.every((s) => s === 202 || s === 'refused')).toBe(true);
    const stored = await withAdminClient(async () => {
      const { Client } = await import('pg');
      const db = new Client({ connectionString: databaseUrl(dbName) });
      await db.connect();
      const res = await db.query<{ n: string }>(
        "SELECT count(*) AS n FROM events WHERE id LIKE 'sd-%'",
      );
      await db.end();
      return Number(res.rows[0].n);
    });
    expect(stored).toBe(accepted);
    // And after the exit nothing listens any more.
    await expect(fetch(`${base}/health`)).rejects.toThrow();
  });
});
