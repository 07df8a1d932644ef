import { DefaultTemplatesLoader } from '../../src/messaging/templates/default-templates.loader';
import { createTestApp, TestApp } from '../support/test-app';

const DEFAULT_KEYS = [
  'post-purchase.case-notice',
  'post-purchase.check-in',
  'product-extras.offer',
  'reinforcing-promotions.promotion',
  'sales-touchpoints.task-notice',
  'sales-touchpoints.value-summary',
];

describe('templates', () => {
  let t: TestApp;
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });
  let marketer: Record<string, string>;
  let support: Record<string, string>;
  let ingest: Record<string, string>;

  const put = (key: string, body: object, who = marketer) =>
    t.http.put(`/v1/templates/${key}`).set(who).send(body);

  const versionsOf = async (key: string) =>
    (
      await t.db.query<{ version: number }[]>(
        'SELECT version FROM template_versions WHERE key = $1 ORDER BY version',
        [key],
      )
    ).map((r) => r.version);

  beforeAll(async () => {
    t = await createTestApp({ PUBLIC_BASE_URL: 'https://mix.example.com' });
    marketer = as(await t.keyFor('marketer'));
    support = as(await t.keyFor('support'));
    ingest = as(await t.keyFor('ingest'));
  });
  afterAll(() => t.close());

  describe('defaults', () => {
    it('stores every default template as version 1 at boot', async () => {
      const res = await t.http.get('/v1/templates/post-purchase.check-in').set(support);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        key: 'post-purchase.check-in',
        version: 1,
        subject:
          'How is everything with {{#if order.id}}your order {{order.id}}{{else}}your recent order{{/if}}?',
        text: null,
        createdBy: 'default',
        versions: [{ version: 1, createdBy: 'default', createdAt: expect.any(String) }],
      });
      expect(res.body.html).toContain('{{checkIn.goodUrl}}');
      const list = await t.http.get('/v1/templates').set(marketer).expect(200);
      const keys = (list.body.items as { key: string }[]).map((i) => i.key);
      expect(keys).toEqual(expect.arrayContaining(DEFAULT_KEYS));
    });

    it('loads them idempotently, also when two processes boot at once', async () => {
      const loader = t.app.get(DefaultTemplatesLoader);
      expect(await loader.load()).toEqual([]);
      await t.db.query('DELETE FROM template_versions WHERE key = $1', ['product-extras.offer']);
      const [a, b] = await Promise.all([loader.load(), loader.load()]);
      expect([...a, ...b]).toEqual(['product-extras.offer']);
      expect(await versionsOf('product-extras.offer')).toEqual([1]);
      expect(await versionsOf('post-purchase.check-in')).toEqual([1]);
    });
  });

  describe('PUT /v1/templates/{key}', () => {
    const welcome = (n: number) => ({
      subject: `Welcome ${n}, {{default customer.firstName "friend"}}`,
      html: '<h1>Hello {{customer.firstName}}</h1><p>{{money order.total order.currency}}</p>',
    });

    it('adds versions 1, 2, … and GET shows the latest with every version', async () => {
      const first = await put('test.welcome', welcome(1));
      expect(first.status).toBe(201);
      expect(first.body).toEqual({
        key: 'test.welcome',
        version: 1,
        createdAt: expect.any(String),
      });
      const second = await put('test.welcome', {
        ...welcome(2),
        text: 'Hi {{customer.firstName}}',
      });
      expect(second.status).toBe(201);
      expect(second.body.version).toBe(2);

      const res = await t.http.get('/v1/templates/test.welcome').set(marketer);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        key: 'test.welcome',
        version: 2,
        subject: welcome(2).subject,
        html: welcome(2).html,
        text: 'Hi {{customer.firstName}}',
        createdAt: second.body.createdAt,
        createdBy: 'test marketer',
        versions: [
          { version: 2, createdAt: second.body.createdAt, createdBy: 'test marketer' },
          { version: 1, createdAt: first.body.createdAt, createdBy: 'test marketer' },
        ],
      });
      const list = await t.http.get('/v1/templates').set(support).expect(200);
      expect(list.body.items).toContainEqual({
        key: 'test.welcome',
        version: 2,
        createdAt: second.body.createdAt,
        createdBy: 'test marketer',
      });
    });

    it('gives every one of many concurrent saves its own version', async () => {
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => put('test.race', welcome(i))),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(12).fill(201));
      const versions = answers
        .map((a) => (a.body as { version: number }).version)
        .sort((a, b) => a - b);
      expect(versions).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(await versionsOf('test.race')).toEqual(versions);
    });

    it('refuses a typo in a name with 422, the field, line and column, and stores nothing', async () => {
      const before = await versionsOf('test.welcome');
      const res = await put('test.welcome', {
        subject: 'Hello',
        html: '<p>Hello</p>\n<p>{{custmer.firstName}}</p>',
      });
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 422, title: 'Validation failed' });
      expect(res.body.errors).toEqual([
        {
          path: 'html',
          message: expect.stringMatching(
            /^line 2, column 6: unknown name "custmer" \(did you mean "customer"\?\)/,
          ),
        },
      ]);
      expect(res.body.detail).toContain('html: line 2, column 6');
      expect(await versionsOf('test.welcome')).toEqual(before);
    });

    it('refuses syntax errors, unknown helpers and partials, and triple braces, each with its place', async () => {
      const res = await put('test.broken', {
        subject: 'Hi {{customer.firstName',
        html: '{{shout customer.firstName}}\n{{> header}}\n{{{customer.lastName}}}',
        text: '{{#each order.items}}{{name}}',
      });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([
        {
          path: 'subject',
          message: expect.stringMatching(/^line 1, column 15: syntax error: .*is a "}}" missing\?/),
        },
        {
          path: 'html',
          message: expect.stringMatching(/^line 1, column 3: unknown helper "shout"/),
        },
        {
          path: 'html',
          message: expect.stringMatching(/^line 2, column 5: unknown partial "header"/),
        },
        { path: 'html', message: expect.stringMatching(/^line 3, column 1: triple braces/) },
        {
          path: 'text',
          message: expect.stringMatching(/^line 1, column 30: syntax error: the template ends/),
        },
      ]);
      expect(await versionsOf('test.broken')).toEqual([]);
      expect((await t.http.get('/v1/templates/test.broken').set(marketer)).status).toBe(404);
    });

    it('refuses a key outside [a-z0-9.-]+ on the key path, and unknown or missing fields', async () => {
      const badKey = await put('Welcome_Mail', welcome(1));
      expect(badKey.status).toBe(422);
      expect(badKey.body.errors).toEqual([
        { path: 'key', message: expect.stringMatching(/a-z0-9/) },
      ]);

      const badBody = await put('test.fields', { subject: 'x', body: '<p>x</p>' });
      expect(badBody.status).toBe(422);
      expect(badBody.body.errors).toEqual(
        expect.arrayContaining([
          { path: 'html', message: 'is required' },
          { path: 'body', message: 'unknown field' },
        ]),
      );
      expect(await versionsOf('test.fields')).toEqual([]);
    });
  });

  describe('GET /v1/templates/{key}', () => {
    it('answers 404 problem+json for an unknown key', async () => {
      const res = await t.http.get('/v1/templates/no.such-template').set(marketer);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).toContain('no.such-template');
    });
  });

  describe('POST /v1/templates/{key}/preview', () => {
    beforeAll(async () => {
      await t.http
        .put('/v1/customers/preview-ann')
        .set(ingest)
        .send({
          email: 'ann@example.com',
          firstName: '<b>Ann</b>\r\nBcc: x@example.com',
          lastName: 'Smith',
          locale: 'de-DE',
          timezone: 'Europe/Berlin',
        })
        .expect(201);
      await put('test.preview', {
        subject: 'Hallo {{customer.firstName}}',
        html:
          '<p>Hallo {{customer.firstName}} {{customer.lastName}}</p>' +
          '<p>{{money order.total order.currency}} bis {{date promotion.expiresAt "long"}}</p>' +
          '<p>{{promotion.code}}</p>',
      }).expect(201);
    });

    it('renders for a customer: their profile over the sample context, escaped, in their locale', async () => {
      const res = await t.http
        .post('/v1/templates/test.preview/preview')
        .set(marketer)
        .send({ customerId: 'preview-ann' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        subject: 'Hallo <b>Ann</b> Bcc: x@example.com',
        html: expect.any(String),
        text: expect.any(String),
        version: 1,
      });
      const html = res.body.html as string;
      expect(html).toContain('<p>Hallo &lt;b&gt;Ann&lt;/b&gt;');
      expect(html).not.toContain('<b>Ann</b>');
      // Sample order and promotion, formatted for a German customer in Berlin.
      expect(html).toMatch(/1\.548,99\s\$ bis 1\. Juni 2026/);
      expect(html).toContain('JANE-15-7KQ2');
      expect(html).toContain('href="https://mix.example.com/u/sample-token"');
      expect(res.body.text).toContain('Hallo <b>Ann</b>');
    });

    it('renders for a given context, its root names over the sample ones', async () => {
      const res = await t.http
        .post('/v1/templates/test.preview/preview')
        .set(marketer)
        .send({
          context: {
            customer: { firstName: 'Zed', locale: 'en-US', timezone: 'UTC' },
            promotion: { code: 'ZED-10', discountPercent: 10, expiresAt: '2026-07-01T12:00:00Z' },
          },
        });
      expect(res.status).toBe(200);
      expect(res.body.subject).toBe('Hallo Zed');
      expect(res.body.html).toContain('$1,548.99 bis July 1, 2026');
      expect(res.body.html).toContain('ZED-10');
    });

    it('renders the sample alone, an older version on request, and a new version at once', async () => {
      const sample = await t.http
        .post('/v1/templates/post-purchase.check-in/preview')
        .set(marketer)
        .send({});
      expect(sample.status).toBe(200);
      expect(sample.body.version).toBe(1);
      expect(sample.body.html).toContain('https://mix.example.com/c/sample-token?answer&#x3D;good');

      await put('test.preview', { subject: 'Version two', html: '<p>2</p>' }).expect(201);
      const latest = await t.http.post('/v1/templates/test.preview/preview').set(marketer).send({});
      expect(latest.body).toMatchObject({ subject: 'Version two', version: 2 });
      const older = await t.http
        .post('/v1/templates/test.preview/preview')
        .set(marketer)
        .send({ version: 1 });
      expect(older.body).toMatchObject({ subject: 'Hallo Jane', version: 1 });
    });

    it('answers 404 for an unknown customer, template or version, and 422 for an unknown context name', async () => {
      const unknownCustomer = await t.http
        .post('/v1/templates/test.preview/preview')
        .set(marketer)
        .send({ customerId: 'nobody' });
      expect(unknownCustomer.status).toBe(404);
      expect(unknownCustomer.body.detail).toContain('nobody');
      const unknownTemplate = await t.http
        .post('/v1/templates/no.such-template/preview')
        .set(marketer)
        .send({});
      expect(unknownTemplate.status).toBe(404);
      const unknownVersion = await t.http
        .post('/v1/templates/test.preview/preview')
        .set(marketer)
        .send({ version: 99 });
      expect(unknownVersion.status).toBe(404);
      const badContext = await t.http
        .post('/v1/templates/test.preview/preview')
        .set(marketer)
        .send({ context: { custmer: {} } });
      expect(badContext.status).toBe(422);
      expect(badContext.body.errors).toEqual([
        { path: 'context.custmer', message: 'unknown field' },
      ]);
    });
  });

  describe('roles', () => {
    it('refuses the ingest key everywhere with 403', async () => {
      for (const res of [
        await put('test.roles', { subject: 'x', html: 'x' }, ingest),
        await t.http.get('/v1/templates').set(ingest),
        await t.http.get('/v1/templates/post-purchase.check-in').set(ingest),
        await t.http.post('/v1/templates/post-purchase.check-in/preview').set(ingest).send({}),
      ]) {
        expect(res.status).toBe(403);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
      expect(await versionsOf('test.roles')).toEqual([]);
    });

    it('lets support read but not save or preview; admin may do everything', async () => {
      expect((await put('test.roles', { subject: 'x', html: 'x' }, support)).status).toBe(403);
      expect(
        (await t.http.post('/v1/templates/post-purchase.check-in/preview').set(support).send({}))
          .status,
      ).toBe(403);
      const admin = as(t.adminKey);
      const saved = await put('test.roles', { subject: 'x', html: 'x' }, admin);
      expect(saved.status).toBe(201);
      const read = await t.http.get('/v1/templates/test.roles').set(admin).expect(200);
      expect(read.body.createdBy).toBe('ADMIN_API_KEY');
    });

    it('answers 401 without a key', async () => {
      expect((await t.http.get('/v1/templates')).status).toBe(401);
    });
  });
});
