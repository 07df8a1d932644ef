import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/app-config';
import { readDefaultTemplates } from '../../../src/messaging/templates/default-templates.loader';
import {
  parseTemplateFile,
  TemplateEnvironment,
} from '../../../src/messaging/templates/handlebars-env';
import { checkSource } from '../../../src/messaging/templates/template-check';
import {
  CONTEXT_ROOT_NAMES,
  sampleContext,
} from '../../../src/messaging/templates/template-context';
import { TemplateRenderer } from '../../../src/messaging/templates/template-renderer';
import { TemplateStore } from '../../../src/messaging/templates/template-store';

const env = new TemplateEnvironment();
const defaults = readDefaultTemplates(env);

/** A renderer over the default templates as version 1, as the loader stores them. */
const renderer = new TemplateRenderer(
  {
    latestVersion: (key: string) => Promise.resolve(defaults.some((d) => d.key === key) ? 1 : null),
    find: (key: string) => {
      const found = defaults.find((d) => d.key === key);
      return Promise.resolve(
        found && { ...found, text: null, version: 1, createdBy: 'default', createdAt: new Date() },
      );
    },
  } as unknown as TemplateStore,
  env,
  loadConfig({}),
);

const render = (key: string) => renderer.render(key, sampleContext('https://mix.example.com'));

describe('default templates', () => {
  it('has one template per message the modules send', () => {
    expect(defaults.map((d) => d.key)).toEqual([
      'post-purchase.case-notice',
      'post-purchase.check-in',
      'product-extras.offer',
      'reinforcing-promotions.promotion',
      'sales-touchpoints.task-escalation',
      'sales-touchpoints.task-notice',
      'sales-touchpoints.task-reminder',
      'sales-touchpoints.value-summary',
    ]);
  });

  it.each(defaults.map((d) => d.key))(
    '%s renders the sample context into a one-line subject, html and text',
    async (key) => {
      const out = await render(key);
      expect(out.subject).toMatch(/^\S.*\S$/);
      expect(out.subject).not.toMatch(/[\r\n]|\{\{|undefined|\[object/);
      expect(out.html).toMatch(/^<!DOCTYPE html>/);
      expect(out.html).toContain('1 Example Street, 00000 Example City');
      for (const part of [out.html, out.text]) {
        expect(part).not.toMatch(/\{\{|undefined|\[object Object\]|NaN/);
      }
      expect(out.text.length).toBeGreaterThan(100);
    },
  );

  it('check-in: "All good" and "I have a problem" link to the check-in answers', async () => {
    const out = await render('post-purchase.check-in');
    // Handlebars escapes "=" in URLs as &#x3D;, which the browser reads back as "=".
    expect(out.subject).toBe('How is everything with your order SO-10428?');
    expect(out.html).toMatch(
      /href="https:\/\/mix\.example\.com\/c\/sample-token\?answer&#x3D;good"[^>]*>All good</,
    );
    expect(out.html).toMatch(
      /href="https:\/\/mix\.example\.com\/c\/sample-token\?answer&#x3D;problem"[^>]*>I have a problem</,
    );
    expect(out.text).toContain('All good [https://mix.example.com/c/sample-token?answer=good]');
    expect(out.html).toContain('Aero 14 Pro laptop');
    expect(out.html).toContain('May 4, 2026');
  });

  it('promotion: the code, the discount and the expiry in the customer’s time zone', async () => {
    const out = await render('reinforcing-promotions.promotion');
    expect(out.subject).toBe('15% off your next order, Jane');
    expect(out.html).toContain('JANE-15-7KQ2');
    // 23:59 UTC on May 31 is still May 31 in New York.
    expect(out.html).toContain('valid until May 31, 2026');
    expect(out.text).toContain('JANE-15-7KQ2');
    expect(out.html).toContain('href="https://mix.example.com/u/sample-token"');
  });

  it('offer: every extra with its price and link', async () => {
    const out = await render('product-extras.offer');
    expect(out.html).toContain('Felt sleeve for 14&quot; laptops');
    expect(out.html).toContain('Protection plan · $149.00');
    expect(out.html).toContain('href="https://shop.example.com/p/care-3y"');
  });

  it('case notice: customer, order and the comment, escaped', async () => {
    const context = sampleContext();
    context.checkIn.comment = 'Broken <b>again</b>';
    const out = await renderer.render('post-purchase.case-notice', context);
    expect(out.subject).toBe('Check-in problem on order SO-10428 (jane.doe@example.com)');
    expect(out.html).toContain('jane.doe@example.com');
    expect(out.html).toContain('1 × Aero 14 Pro laptop (LAPTOP-14-PRO) at $1,499.00');
    expect(out.html).toContain('Broken &lt;b&gt;again&lt;/b&gt;');
  });

  it('task notice: a digest of the tasks, singular for one', async () => {
    const out = await render('sales-touchpoints.task-notice');
    expect(out.subject).toBe('2 customer tasks for you');
    expect(out.html).toContain('Quarterly value review');
    expect(out.html).toContain('Call about the renewal');
    const one = sampleContext();
    one.tasks = one.tasks.slice(0, 1);
    expect((await renderer.render('sales-touchpoints.task-notice', one)).subject).toBe(
      '1 customer task for you',
    );
  });

  it('value summary: the value delivered to the account', async () => {
    const out = await render('sales-touchpoints.value-summary');
    expect(out.subject).toBe(
      'What we achieved together: Northwind Traders and Retention Mix Demo Shop',
    );
    expect(out.html).toContain('Order processing time down from 3 days to 1 since January.');
  });

  it('the layout and footer pass the checks the API applies, with body as the only raw value', () => {
    expect(
      checkSource(env.partialSources.layout, 'html', {
        roots: [...CONTEXT_ROOT_NAMES, 'subject', 'body'],
        unescaped: ['body'],
        partials: ['footer'],
      }),
    ).toEqual([]);
    expect(checkSource(env.partialSources.footer, 'html')).toEqual([]);
  });
});

describe('template files', () => {
  it('read the subject from the front matter and the body after it', () => {
    expect(
      parseTemplateFile('---\nsubject: Hi {{customer.firstName}}\n---\n<p>x</p>\n', ['subject']),
    ).toEqual({ attributes: { subject: 'Hi {{customer.firstName}}' }, body: '<p>x</p>\n' });
    expect(parseTemplateFile('<p>no front matter</p>', ['subject'])).toEqual({
      attributes: {},
      body: '<p>no front matter</p>',
    });
    expect(() => parseTemplateFile('---\nsubjet: x\n---\n', ['subject'])).toThrow(
      /unknown front matter key "subjet"/,
    );
  });

  it('refuse, naming the file, a default template that would not pass the checks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rm-templates-'));
    mkdirSync(join(dir, 'partials'));
    writeFileSync(join(dir, 'partials', 'footer.hbs'), '<p>{{company.name}}</p>');
    mkdirSync(join(dir, 'post-purchase'));
    writeFileSync(
      join(dir, 'post-purchase', 'check-in.hbs'),
      '---\nsubject: Hi\n---\n<p>{{custmer.firstName}}</p>',
    );
    expect(() => readDefaultTemplates(new TemplateEnvironment(dir))).toThrow(
      /templates\/post-purchase\/check-in\.hbs: html line 1, column 6: unknown name "custmer"/,
    );
    writeFileSync(join(dir, 'post-purchase', 'check-in.hbs'), '<p>no subject</p>');
    expect(() => readDefaultTemplates(new TemplateEnvironment(dir))).toThrow(/no "subject:"/);
  });
});
