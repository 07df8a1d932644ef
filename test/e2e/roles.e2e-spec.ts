import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { Role } from '../../src/common/auth/roles';
import { createTestApp, TestApp } from '../support/test-app';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One endpoint of the API: how to call it and which roles may (admin always may). */
interface Endpoint {
  method: Method;
  /** The path as OpenAPI names it, e.g. /v1/customers/{externalId}. */
  route: string;
  /** The path with sample ids filled in. */
  path: string;
  body?: object;
  roles: Exclude<Role, 'admin'>[];
  /** What an allowed caller gets with the fixtures of `beforeAll`. */
  ok: number[];
}

const CUSTOMER = 'matrix-customer';
const ERASABLE = 'matrix-erasable';
const ACCOUNT = 'matrix-account';
const SKU = 'MATRIX-SKU';
const EVENT = 'matrix-event';

const viewed = (id: string) => ({
  id,
  type: 'page.viewed',
  customerId: CUSTOMER,
  occurredAt: '2026-06-01T10:00:00Z',
});

/** Every endpoint in src, public ones aside. A new endpoint must be added here (see last test). */
const ENDPOINTS: Endpoint[] = [
  {
    method: 'post',
    route: '/v1/api-keys',
    path: '/v1/api-keys',
    body: { name: 'made by the matrix', role: 'support' },
    roles: [],
    ok: [201],
  },
  { method: 'get', route: '/v1/api-keys', path: '/v1/api-keys', roles: [], ok: [200] },
  {
    method: 'get',
    route: '/v1/analytics/value-tiers',
    path: '/v1/analytics/value-tiers',
    roles: ['marketer'],
    ok: [200],
  },
  {
    method: 'post',
    route: '/v1/analytics/value-tiers/recompute',
    path: '/v1/analytics/value-tiers/recompute',
    roles: [],
    ok: [202],
  },
  {
    method: 'delete',
    route: '/v1/api-keys/{id}',
    // No such key: a 404 shows the guard let the call through to the handler.
    path: `/v1/api-keys/${randomUUID()}`,
    roles: [],
    ok: [404],
  },
  {
    method: 'put',
    route: '/v1/customers/{externalId}',
    path: `/v1/customers/${CUSTOMER}`,
    body: { email: 'matrix@example.com', firstName: 'Mat' },
    roles: ['ingest'],
    ok: [200],
  },
  {
    method: 'get',
    route: '/v1/customers/{externalId}',
    path: `/v1/customers/${CUSTOMER}`,
    roles: ['marketer', 'support', 'ingest'],
    ok: [200],
  },
  {
    method: 'get',
    route: '/v1/customers/{externalId}/orders',
    path: `/v1/customers/${CUSTOMER}/orders`,
    roles: ['marketer', 'support', 'ingest'],
    ok: [200],
  },
  {
    method: 'delete',
    route: '/v1/customers/{externalId}',
    path: `/v1/customers/${ERASABLE}`,
    roles: ['ingest'],
    ok: [204],
  },
  {
    method: 'put',
    route: '/v1/accounts/{externalId}',
    path: `/v1/accounts/${ACCOUNT}`,
    body: { name: 'Matrix Ltd', ownerEmail: 'rep@example.com' },
    roles: ['ingest'],
    ok: [200],
  },
  {
    method: 'get',
    route: '/v1/accounts/{externalId}',
    path: `/v1/accounts/${ACCOUNT}`,
    roles: ['marketer', 'support', 'sales', 'ingest'],
    ok: [200],
  },
  {
    method: 'put',
    route: '/v1/products/{sku}',
    path: `/v1/products/${SKU}`,
    body: { name: 'Matrix laptop', price: 999, currency: 'EUR' },
    roles: ['ingest'],
    ok: [200],
  },
  {
    method: 'get',
    route: '/v1/products/{sku}',
    path: `/v1/products/${SKU}`,
    roles: ['marketer', 'support', 'ingest'],
    ok: [200],
  },
  {
    method: 'post',
    route: '/v1/events',
    path: '/v1/events',
    body: viewed(EVENT),
    // The fixture event already exists: an allowed caller gets `duplicate`.
    roles: ['ingest'],
    ok: [202],
  },
  {
    method: 'post',
    route: '/v1/events/batch',
    path: '/v1/events/batch',
    body: { events: [viewed(EVENT)] },
    roles: ['ingest'],
    ok: [202],
  },
  {
    method: 'get',
    route: '/v1/events/{id}',
    path: `/v1/events/${EVENT}`,
    roles: ['support', 'ingest'],
    ok: [200],
  },
  {
    method: 'put',
    route: '/v1/templates/{key}',
    path: '/v1/templates/matrix.template',
    body: { subject: 'Hello {{customer.firstName}}', html: '<p>Hello</p>' },
    roles: ['marketer'],
    ok: [201],
  },
  {
    method: 'get',
    route: '/v1/templates',
    path: '/v1/templates',
    roles: ['marketer', 'support'],
    ok: [200],
  },
  {
    method: 'get',
    route: '/v1/templates/{key}',
    // A default template, stored at boot.
    path: '/v1/templates/post-purchase.check-in',
    roles: ['marketer', 'support'],
    ok: [200],
  },
  {
    method: 'post',
    route: '/v1/templates/{key}/preview',
    path: '/v1/templates/post-purchase.check-in/preview',
    body: {},
    roles: ['marketer'],
    ok: [200],
  },
  {
    method: 'post',
    route: '/v1/templates/{key}/test-send',
    path: '/v1/templates/post-purchase.check-in/test-send',
    body: { to: 'matrix@example.com' },
    roles: ['marketer'],
    ok: [202],
  },
  {
    method: 'get',
    route: '/v1/messages',
    path: '/v1/messages',
    roles: ['marketer', 'support'],
    ok: [200],
  },
  {
    method: 'get',
    route: '/v1/messages/{id}',
    // No such message: a 404 shows the guard let the call through to the handler.
    path: `/v1/messages/${randomUUID()}`,
    roles: ['marketer', 'support'],
    ok: [404],
  },
  {
    method: 'get',
    route: '/v1/promotions',
    path: `/v1/promotions?customerId=${CUSTOMER}`,
    roles: ['marketer', 'support'],
    ok: [200],
  },
  {
    method: 'get',
    route: '/v1/tasks',
    path: '/v1/tasks',
    roles: ['sales', 'support'],
    ok: [200],
  },
  {
    method: 'get',
    route: '/v1/tasks/{id}',
    // No such task: a 404 shows the guard let the call through to the handler.
    path: `/v1/tasks/${randomUUID()}`,
    roles: ['sales', 'support'],
    ok: [404],
  },
  {
    method: 'post',
    route: '/v1/tasks/{id}/complete',
    path: `/v1/tasks/${randomUUID()}/complete`,
    body: { outcome: 'done' },
    roles: ['sales', 'support'],
    ok: [404],
  },
  {
    method: 'post',
    route: '/v1/rules',
    path: '/v1/rules',
    // An empty rule: a 422 shows the guard let the call through to validation.
    body: {},
    roles: ['marketer'],
    ok: [422],
  },
  { method: 'get', route: '/v1/rules', path: '/v1/rules', roles: ['marketer'], ok: [200] },
  {
    method: 'get',
    route: '/v1/rules/{id}',
    path: `/v1/rules/${randomUUID()}`,
    roles: ['marketer'],
    ok: [404],
  },
  {
    method: 'patch',
    route: '/v1/rules/{id}',
    path: `/v1/rules/${randomUUID()}`,
    body: { name: 'Renamed' },
    roles: ['marketer'],
    ok: [404],
  },
  {
    method: 'get',
    route: '/v1/rules/{id}/audit',
    path: `/v1/rules/${randomUUID()}/audit`,
    roles: ['marketer'],
    ok: [404],
  },
  {
    method: 'get',
    route: '/v1/rules/{id}/stats',
    path: `/v1/rules/${randomUUID()}/stats`,
    roles: ['marketer'],
    ok: [404],
  },
  {
    method: 'post',
    route: '/v1/rules/{id}/run',
    // No such rule: a 404 shows the guard let the call through to the handler.
    path: `/v1/rules/${randomUUID()}/run`,
    roles: ['marketer'],
    ok: [404],
  },
  {
    method: 'get',
    route: '/v1/rules/{id}/runs',
    path: `/v1/rules/${randomUUID()}/runs`,
    roles: ['marketer'],
    ok: [404],
  },
  {
    method: 'get',
    route: '/v1/rules/{id}/runs/{runId}',
    path: `/v1/rules/${randomUUID()}/runs/${randomUUID()}`,
    roles: ['marketer'],
    ok: [404],
  },
  {
    method: 'post',
    route: '/v1/check-ins',
    path: '/v1/check-ins',
    body: { customerId: CUSTOMER },
    // The first allowed caller sends one; the next is within 24 hours of it: 409.
    roles: ['support'],
    ok: [201, 409],
  },
  { method: 'get', route: '/v1/cases', path: '/v1/cases', roles: ['support'], ok: [200] },
  {
    method: 'get',
    route: '/v1/cases/{id}',
    // No such case: a 404 shows the guard let the call through to the handler.
    path: `/v1/cases/${randomUUID()}`,
    roles: ['support'],
    ok: [404],
  },
  {
    method: 'post',
    route: '/v1/cases/{id}/resolve',
    path: `/v1/cases/${randomUUID()}/resolve`,
    body: { resolution: 'Replaced it' },
    roles: ['support'],
    ok: [404],
  },
  ...['overview', 'rules', 'win-loss'].map((report): Endpoint => ({
    method: 'get',
    route: `/v1/reports/${report}`,
    path: `/v1/reports/${report}`,
    roles: ['marketer'],
    ok: [200],
  })),
];

const PUBLIC_ENDPOINTS = [
  { route: '/health', path: '/health', type: /application\/json/ },
  { route: '/docs', path: '/docs', type: /text\/html/ },
  { route: '/docs-json', path: '/docs-json', type: /application\/json/ },
  { route: '/metrics', path: '/metrics', type: /text\/plain/ },
];

type Caller = Role | 'no key' | 'invalid key' | 'revoked key';
const CALLERS: Caller[] = [
  'admin',
  'marketer',
  'support',
  'sales',
  'ingest',
  'no key',
  'invalid key',
  'revoked key',
];

/** What a caller must get: refused before the handler, or let through. */
function expectationFor(endpoint: Endpoint, caller: Caller): 401 | 403 | 'allowed' {
  if (caller === 'no key' || caller === 'invalid key' || caller === 'revoked key') return 401;
  return caller === 'admin' || endpoint.roles.includes(caller) ? 'allowed' : 403;
}

const CELLS = ENDPOINTS.flatMap((endpoint) =>
  CALLERS.map((caller) => {
    const expected = expectationFor(endpoint, caller);
    return {
      endpoint,
      caller,
      expected,
      name: `${endpoint.method.toUpperCase()} ${endpoint.route}`,
      outcome: expected === 'allowed' ? `allowed (${endpoint.ok.join('/')})` : String(expected),
    };
  }),
);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function expectProblem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    status,
    title: expect.any(String),
    detail: expect.any(String),
  });
}

describe('roles and API keys', () => {
  let t: TestApp;
  const keys = new Map<Caller, string | null>();

  const call = (endpoint: Pick<Endpoint, 'method' | 'path' | 'body'>, key: string | null) => {
    let req = t.http[endpoint.method](endpoint.path);
    if (key !== null) req = req.set('Authorization', `Bearer ${key}`);
    return endpoint.body ? req.send(endpoint.body) : req;
  };

  const admin = () => ({ Authorization: `Bearer ${t.adminKey}` });

  const createKey = async (role: Role, name = `key for ${role}`) => {
    const ownerEmail = role === 'sales' ? { ownerEmail: 'listed-rep@example.com' } : {};
    const res = await t.http
      .post('/v1/api-keys')
      .set(admin())
      .send({ name, role, ...ownerEmail });
    expect(res.status).toBe(201);
    return res.body as { id: string; name: string; role: Role; key: string; keyPrefix: string };
  };

  beforeAll(async () => {
    t = await createTestApp();
    for (const role of ['admin', 'marketer', 'support', 'sales', 'ingest'] as const) {
      keys.set(role, await t.keyFor(role));
    }
    keys.set('no key', null);
    keys.set('invalid key', `rmx_${randomBytes(32).toString('base64url')}`);
    const revoked = await createKey('admin', 'revoked before the matrix');
    await t.http.delete(`/v1/api-keys/${revoked.id}`).set(admin()).expect(204);
    keys.set('revoked key', revoked.key);

    // Fixtures, so allowed callers get a success (or a telling 404) and not a validation error.
    const put = (path: string, body: object) =>
      t.http.put(path).set(admin()).send(body).expect(201);
    await put(`/v1/customers/${CUSTOMER}`, { email: 'matrix@example.com' });
    await put(`/v1/customers/${ERASABLE}`, { email: 'erasable@example.com' });
    await put(`/v1/accounts/${ACCOUNT}`, { name: 'Matrix Ltd', ownerEmail: 'rep@example.com' });
    await put(`/v1/products/${SKU}`, { name: 'Matrix laptop', price: 999, currency: 'EUR' });
    await t.http.post('/v1/events').set(admin()).send(viewed(EVENT)).expect(202);
  });
  afterAll(() => t.close());

  describe('the matrix: every endpoint × every caller', () => {
    it.each(CELLS)('$name as $caller → $outcome', async ({ endpoint, caller, expected }) => {
      const res = await call(endpoint, keys.get(caller)!);
      if (expected === 'allowed') {
        expect(endpoint.ok).toContain(res.status);
      } else {
        expectProblem(res, expected);
      }
    });
  });

  describe('public endpoints', () => {
    it.each(
      PUBLIC_ENDPOINTS.flatMap((e) => [
        { ...e, key: 'no key' },
        { ...e, key: 'invalid key' },
      ]),
    )('GET $route with $key answers 200', async ({ path, type, key }) => {
      const res = await call({ method: 'get', path }, keys.get(key as Caller)!);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(type);
    });

    it('lists every endpoint of the OpenAPI document in the matrix, and nothing more', async () => {
      const res = await t.http.get('/docs-json').expect(200);
      const documented = Object.entries(res.body.paths as Record<string, Record<string, unknown>>)
        .flatMap(([route, operations]) =>
          Object.keys(operations).map((method) => `${method.toUpperCase()} ${route}`),
        )
        .sort();
      const covered = [
        ...ENDPOINTS.map((e) => `${e.method.toUpperCase()} ${e.route}`),
        'GET /health',
        'GET /metrics',
      ].sort();
      expect(documented).toEqual(covered);
    });
  });

  describe('the Authorization header', () => {
    it.each([
      ['Basic scheme', `Basic ${Buffer.from('admin:admin').toString('base64')}`],
      ['Bearer without a key', 'Bearer '],
      ['the admin key without a scheme', '<admin>'],
      ['two keys', 'Bearer <admin> <admin>'],
    ])('refuses %s with 401', async (_, header) => {
      const res = await t.http
        .get('/v1/api-keys')
        .set('Authorization', header.replace(/<admin>/g, t.adminKey));
      expectProblem(res, 401);
    });

    it('accepts the scheme in any case', async () => {
      await t.http.get('/v1/api-keys').set('Authorization', `bearer ${t.adminKey}`).expect(200);
    });

    it('says in a 403 which roles may call', async () => {
      const forbidden = await t.http
        .put(`/v1/products/${SKU}`)
        .set('Authorization', `Bearer ${keys.get('sales')}`)
        .send({ name: 'x', price: 1, currency: 'EUR' });
      expectProblem(forbidden, 403);
      expect(forbidden.body.detail).toContain('ingest');
    });
  });

  describe('API keys', () => {
    it('creates a key shown once with 201 { id, name, role, key }, usable at once', async () => {
      const res = await t.http
        .post('/v1/api-keys')
        .set(admin())
        .send({ name: 'CRM sync', role: 'marketer' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'CRM sync',
        role: 'marketer',
        key: expect.stringMatching(/^rmx_[A-Za-z0-9_-]{40,}$/),
      });
      const key = res.body.key as string;
      const asMarketer = { Authorization: `Bearer ${key}` };
      await t.http.get(`/v1/customers/${CUSTOMER}`).set(asMarketer).expect(200);
      const refused = await t.http
        .put(`/v1/customers/${CUSTOMER}`)
        .set(asMarketer)
        .send({ email: 'x@example.com' });
      expectProblem(refused, 403);
    });

    it('stores only the SHA-256 of the secret', async () => {
      const created = await createKey('support', 'hash check');
      const rows = await t.db.query<{ key_hash: string; key_prefix: string }[]>(
        'SELECT key_hash, key_prefix FROM api_keys WHERE id = $1',
        [created.id],
      );
      expect(rows).toEqual([
        { key_hash: sha256(created.key), key_prefix: created.key.slice(0, 12) },
      ]);
      const [{ n }] = await t.db.query<{ n: string }[]>(
        'SELECT count(*) AS n FROM api_keys WHERE row_to_json(api_keys)::text LIKE $1',
        [`%${created.key}%`],
      );
      expect(Number(n)).toBe(0);
    });

    it('never shows a secret in the list', async () => {
      const created = await createKey('sales', 'listed');
      const res = await t.http.get('/v1/api-keys').set(admin());
      expect(res.status).toBe(200);
      const listed = (res.body.items as Record<string, unknown>[]).find((k) => k.id === created.id);
      expect(listed).toMatchObject({ id: created.id, name: 'listed', role: 'sales' });
      expect(listed).not.toHaveProperty('key');
      expect(listed).not.toHaveProperty('keyHash');
      for (const key of keys.values()) if (key) expect(res.text).not.toContain(key);
      expect(res.text).not.toContain(created.key);
      expect(res.text).not.toContain(sha256(created.key));
    });

    it('revokes a key with 204: it gets 401 at once, leaves the list, and a second DELETE is 404', async () => {
      const created = await createKey('ingest', 'to revoke');
      const asIt = { Authorization: `Bearer ${created.key}` };
      // Used (and so cached) before the revocation.
      await t.http.get(`/v1/customers/${CUSTOMER}`).set(asIt).expect(200);

      const revoked = await t.http.delete(`/v1/api-keys/${created.id}`).set(admin());
      expect(revoked.status).toBe(204);
      expect(revoked.text).toBe('');

      expectProblem(await t.http.get(`/v1/customers/${CUSTOMER}`).set(asIt), 401);
      const list = await t.http.get('/v1/api-keys').set(admin()).expect(200);
      expect((list.body.items as { id: string }[]).map((k) => k.id)).not.toContain(created.id);

      expectProblem(await t.http.delete(`/v1/api-keys/${created.id}`).set(admin()), 404);
    });

    it('answers 404 for a key id that never existed', async () => {
      expectProblem(await t.http.delete(`/v1/api-keys/${randomUUID()}`).set(admin()), 404);
    });

    it('refuses a revocation with an id that is not a UUID as problem+json', async () => {
      const res = await t.http.delete('/v1/api-keys/not-a-uuid').set(admin());
      expect([400, 422]).toContain(res.status);
      expectProblem(res, res.status);
    });

    it('refuses an unknown role and names the field', async () => {
      const res = await t.http
        .post('/v1/api-keys')
        .set(admin())
        .send({ name: 'root', role: 'superuser' });
      expectProblem(res, 422);
      expect(res.body.errors).toEqual([{ path: 'role', message: expect.any(String) }]);
      const list = await t.http.get('/v1/api-keys').set(admin()).expect(200);
      expect((list.body.items as { name: string }[]).map((k) => k.name)).not.toContain('root');
    });

    it('does not let a key create keys unless it is an admin key', async () => {
      const res = await t.http
        .post('/v1/api-keys')
        .set('Authorization', `Bearer ${keys.get('ingest')}`)
        .send({ name: 'escalation', role: 'admin' });
      expectProblem(res, 403);
      const list = await t.http.get('/v1/api-keys').set(admin()).expect(200);
      expect((list.body.items as { name: string }[]).map((k) => k.name)).not.toContain(
        'escalation',
      );
    });
  });
});
