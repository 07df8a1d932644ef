import { loadConfig } from '../../../src/config/app-config';
import { TemplateEnvironment } from '../../../src/messaging/templates/handlebars-env';
import { sampleContext, TemplateContext } from '../../../src/messaging/templates/template-context';
import {
  LATEST_VERSION_TTL_MS,
  TemplateNotFoundError,
  TemplateRenderer,
  toSubjectLine,
} from '../../../src/messaging/templates/template-renderer';
import { StoredTemplate, TemplateStore } from '../../../src/messaging/templates/template-store';

type Content = Pick<StoredTemplate, 'subject' | 'html' | 'text'>;

/** An in-memory template_versions table that counts its queries. */
class FakeStore {
  readonly versions = new Map<string, Content[]>();
  latestQueries = 0;
  findQueries = 0;

  add(key: string, content: Partial<Content>) {
    const list = this.versions.get(key) ?? [];
    list.push({ subject: 'Subject', html: '<p>Body</p>', text: null, ...content });
    this.versions.set(key, list);
  }

  latestVersion(key: string): Promise<number | null> {
    this.latestQueries++;
    return Promise.resolve(this.versions.get(key)?.length ?? null);
  }

  find(key: string, version: number): Promise<StoredTemplate | null> {
    this.findQueries++;
    const content = this.versions.get(key)?.[version - 1];
    return Promise.resolve(
      content ? { key, version, createdBy: 'test', createdAt: new Date(), ...content } : null,
    );
  }
}

const config = loadConfig({
  COMPANY_NAME: 'Acme & Sons',
  COMPANY_POSTAL_ADDRESS: '5 Main Street, 10115 Berlin',
});

function setup() {
  const store = new FakeStore();
  let now = 1_000_000;
  const clock = {
    advance: (ms: number) => {
      now += ms;
    },
  };
  const renderer = new TemplateRenderer(
    store as unknown as TemplateStore,
    new TemplateEnvironment(),
    config,
    () => now,
  );
  return { store, renderer, clock };
}

const withCustomer = (customer: Partial<NonNullable<TemplateContext['customer']>>) => {
  const context = sampleContext();
  Object.assign(context.customer, customer);
  return context;
};

describe('TemplateRenderer', () => {
  it('renders subject, html in the layout with the footer, generated text and the version', async () => {
    const { store, renderer } = setup();
    store.add('test.hello', {
      subject: 'Hello {{customer.firstName}}',
      html: '<h1>Hi {{customer.firstName}}</h1><p>Order {{order.id}}: {{money order.total order.currency}}</p>',
    });
    const out = await renderer.render('test.hello', sampleContext('https://mix.example.com'));
    expect(out.version).toBe(1);
    expect(out.subject).toBe('Hello Jane');
    expect(out.html).toMatch(/^<!DOCTYPE html>/);
    expect(out.html).toContain('<h1>Hi Jane</h1><p>Order SO-10428: $1,548.99</p>');
    expect(out.html).toContain('<title>Hello Jane</title>');
    expect(out.html).toContain('href="https://mix.example.com/u/sample-token"');
    expect(out.html).toContain('Retention Mix Demo Shop · 1 Example Street, 00000 Example City');
    expect(out.text).toContain('Hi Jane');
    expect(out.text).toContain('Order SO-10428: $1,548.99');
    expect(out.text).toContain('Unsubscribe [https://mix.example.com/u/sample-token]');
    expect(out.text).not.toMatch(/<[a-z]/i);
  });

  it('fills company from the configuration when the context has none', async () => {
    const { store, renderer } = setup();
    store.add('test.company', { html: '<p>{{company.name}}</p>' });
    const out = await renderer.render('test.company', { unsubscribeUrl: 'https://x.test/u/1' });
    expect(out.html).toContain('<p>Acme &amp; Sons</p>');
    expect(out.html).toContain('Acme &amp; Sons · 5 Main Street, 10115 Berlin');
    expect(out.text).toContain('Acme & Sons · 5 Main Street, 10115 Berlin');
  });

  it('leaves the unsubscribe sentence out of the footer when there is no unsubscribe link', async () => {
    const { store, renderer } = setup();
    store.add('test.staff', {});
    const context: TemplateContext = sampleContext();
    delete context.unsubscribeUrl;
    const out = await renderer.render('test.staff', context);
    expect(out.html).not.toContain('Unsubscribe');
    expect(out.html).toContain('1 Example Street');
  });

  it('renders a written text part and still appends the footer to it', async () => {
    const { store, renderer } = setup();
    store.add('test.text', {
      html: '<p>Hi</p>',
      text: 'Hi {{customer.firstName}} & co,\ncode {{promotion.code}}',
    });
    const out = await renderer.render('test.text', sampleContext());
    expect(out.text).toMatch(/^Hi Jane & co,\ncode JANE-15-7KQ2\n\n-- \n/);
    expect(out.text).toContain('http://localhost:3000/u/sample-token');
    expect(out.text).toContain('1 Example Street, 00000 Example City');
  });

  describe('customer data', () => {
    const script = '<script>alert(1)</script>';

    it('is HTML-escaped in the html', async () => {
      const { store, renderer } = setup();
      store.add('test.escape', {
        subject: 'Hi {{customer.firstName}}',
        html: '<p title="{{customer.firstName}}">Hi {{customer.firstName}}</p>',
      });
      const out = await renderer.render('test.escape', withCustomer({ firstName: script }));
      expect(out.html).not.toContain('<script>');
      expect(out.html).toContain('Hi &lt;script&gt;alert(1)&lt;/script&gt;');
      expect(out.html).toContain('title="&lt;script&gt;alert(1)&lt;/script&gt;"');
      // The subject is plain text: not escaped (no &lt; in a header), but one line.
      expect(out.subject).toBe(`Hi ${script}`);
    });

    it('cannot break the subject onto a second line (header injection)', async () => {
      const { store, renderer } = setup();
      store.add('test.subject', { subject: 'Hi {{customer.firstName}}, your order\n{{order.id}}' });
      const out = await renderer.render(
        'test.subject',
        withCustomer({ firstName: 'Ann\r\nBcc: x@y\u0000\u2028\u0085' }),
      );
      expect(out.subject).toBe('Hi Ann Bcc: x@y , your order SO-10428');
      expect(out.subject).not.toMatch(/[\p{Cc}\u2028\u2029]/u);
    });
  });

  it('cannot reach prototypes, even from a template that skipped the checks', async () => {
    const { store, renderer } = setup();
    store.add('test.proto', {
      html: [
        '[{{customer.constructor.name}}]',
        '[{{lookup customer "__proto__"}}]',
        '[{{lookup customer "constructor"}}]',
        '[{{#with customer}}{{constructor.name}}{{/with}}]',
        '[{{customer.firstName.constructor.constructor}}]',
      ].join(''),
    });
    // Handlebars logs each denied property once.
    const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const out = await renderer.render('test.proto', sampleContext());
      expect(out.html).toContain('[][][][][]');
      expect(out.html).not.toMatch(/Object|Function|String/);
    } finally {
      log.mockRestore();
    }
  });

  it('answers TemplateNotFoundError for an unknown key or version', async () => {
    const { store, renderer } = setup();
    store.add('test.known', {});
    await expect(renderer.render('test.unknown', {})).rejects.toBeInstanceOf(TemplateNotFoundError);
    await expect(renderer.render('test.known', {}, { version: 2 })).rejects.toMatchObject({
      key: 'test.known',
      version: 2,
    });
  });

  it('renders an older version when asked, and compiles each version once', async () => {
    const { store, renderer } = setup();
    store.add('test.v', { subject: 'one' });
    store.add('test.v', { subject: 'two' });
    expect((await renderer.render('test.v', {})).subject).toBe('two');
    expect(await renderer.render('test.v', {}, { version: 1 })).toMatchObject({
      subject: 'one',
      version: 1,
    });
    await renderer.render('test.v', {}, { version: 1 });
    await renderer.render('test.v', {});
    expect(store.findQueries).toBe(2);
  });

  it('looks the latest version up at most once a second, so a new version is live within it', async () => {
    const { store, renderer, clock } = setup();
    store.add('test.live', { subject: 'first' });
    const subjects = await Promise.all([1, 2, 3].map(() => renderer.render('test.live', {})));
    expect(subjects.map((s) => s.subject)).toEqual(['first', 'first', 'first']);
    expect(store.latestQueries).toBe(1);

    store.add('test.live', { subject: 'second' }); // saved by another process
    clock.advance(LATEST_VERSION_TTL_MS - 1);
    expect((await renderer.render('test.live', {})).subject).toBe('first');
    clock.advance(1);
    expect(await renderer.render('test.live', {})).toMatchObject({ subject: 'second', version: 2 });
    expect(store.latestQueries).toBe(2);
  });

  it('sees a version saved in this process at once after forget()', async () => {
    const { store, renderer } = setup();
    store.add('test.forget', { subject: 'first' });
    await renderer.render('test.forget', {});
    store.add('test.forget', { subject: 'second' });
    renderer.forget('test.forget');
    expect((await renderer.render('test.forget', {})).subject).toBe('second');
  });

  describe('public pages', () => {
    const { renderer } = setup();

    it('renders the unsubscribe page as a POST form with a scope choice, escaping data', () => {
      const html = renderer.renderPage('unsubscribe', {
        actionUrl: '/u/abc"def',
        customer: { firstName: '<b>Ann</b>' },
        currentScope: null,
      });
      expect(html).toMatch(/^<!DOCTYPE html>/);
      expect(html).toContain('<meta name="viewport"');
      expect(html).toContain('<title>Unsubscribe · Acme &amp; Sons</title>');
      expect(html).toContain('<form method="post" action="/u/abc&quot;def">');
      expect(html).toMatch(/name="scope" value="marketing" checked/);
      expect(html).toMatch(/name="scope" value="all">/);
      expect(html).toContain('&lt;b&gt;Ann&lt;/b&gt;');
      expect(html).not.toContain('<script');
    });

    it('renders the confirmation for each scope and the not-found page', () => {
      expect(renderer.renderPage('unsubscribed', { scope: 'all' })).toContain(
        'You will not get any more email from Acme &amp; Sons.',
      );
      expect(renderer.renderPage('unsubscribed', { scope: 'marketing' })).toContain(
        'any more offers or promotions',
      );
      expect(renderer.renderPage('not-found')).toContain('This link does not work');
    });

    it('refuses a page name that is not a page', () => {
      expect(() => renderer.renderPage('../partials/layout')).toThrow(/no page template/);
      expect(() => renderer.renderPage('layout')).toThrow(/no page template/);
      expect(() => renderer.renderPage('missing')).toThrow(/ENOENT/);
    });
  });
});

describe('toSubjectLine', () => {
  it('turns control characters into single spaces and trims', () => {
    expect(toSubjectLine('  a\r\n\tb\u0007c\u2029d  ')).toBe('a b c d');
  });
});
