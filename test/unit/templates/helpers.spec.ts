import {
  formatDate,
  formatMoney,
  TemplateEnvironment,
} from '../../../src/messaging/templates/handlebars-env';

/** Intl separates amount and symbol with a no-break space; compare with plain spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('the money helper', () => {
  it('formats in the locale and currency given', () => {
    expect(formatMoney(1548.99, 'USD', 'en-US')).toBe('$1,548.99');
    expect(plain(formatMoney(1548.99, 'EUR', 'de-DE'))).toBe('1.548,99 €');
    expect(plain(formatMoney('12.5', 'EUR', 'de_DE'))).toBe('12,50 €');
  });

  it('falls back to en-US and to a plain amount when locale or currency are missing or wrong', () => {
    expect(formatMoney(1548.99, 'EUR')).toBe('€1,548.99');
    expect(formatMoney(1548.99, 'EUR', 'not a locale!')).toBe('€1,548.99');
    expect(formatMoney(1548.99)).toBe('1,548.99');
    expect(formatMoney(1548.99, 'XYZ1')).toBe('1,548.99');
    expect(formatMoney('lots')).toBe('');
    expect(formatMoney(undefined)).toBe('');
  });

  it("takes the order's currency and the customer's locale from the root context", () => {
    const env = new TemplateEnvironment();
    const template = env.compileHtml(
      '{{money order.total}} | {{#each order.items}}{{money unitPrice}}{{/each}} | {{money order.total "USD" "en-US"}}',
    );
    const out = template({
      customer: { locale: 'de-DE' },
      order: { total: 1000, currency: 'EUR', items: [{ unitPrice: 9.5 }] },
    });
    expect(plain(out)).toBe('1.000,00 € | 9,50 € | $1,000.00');
  });
});

describe('the date helper', () => {
  const at = '2026-05-04T02:30:00Z';

  it('formats in the time zone and locale given, with presets or a luxon format', () => {
    expect(formatDate(at, 'short', 'en-US', 'America/Los_Angeles')).toBe('5/3/2026');
    expect(formatDate(at, 'medium', 'en-US', 'Asia/Tokyo')).toBe('May 4, 2026');
    expect(formatDate(at, 'long', 'de-DE', 'Europe/Berlin')).toBe('4. Mai 2026');
    expect(formatDate(at, 'full', 'en-US', 'UTC')).toBe('Monday, May 4, 2026');
    expect(formatDate(at, 'dd.MM.yyyy HH:mm', 'de-DE', 'Europe/Berlin')).toBe('04.05.2026 04:30');
    expect(formatDate(new Date(at), 'HH:mm', 'en-US', 'America/New_York')).toBe('22:30');
  });

  it('falls back to medium, en-US and UTC, and renders nothing for a value that is not a date', () => {
    expect(formatDate(at)).toBe('May 4, 2026');
    expect(formatDate(at, undefined, 'xx-!!', 'Mars/Olympus')).toBe('May 4, 2026');
    expect(formatDate('not a date')).toBe('');
    expect(formatDate(null)).toBe('');
  });

  it('answers a repeated date as the first time, each zone, locale, format and type apart', () => {
    const zones = ['America/Los_Angeles', 'Asia/Tokyo', 'Europe/Berlin', 'UTC', 'Mars/Olympus'];
    const first = zones.map((zone) => formatDate(at, 'full', 'de-DE', zone));
    expect(new Set(first).size).toBe(2); // Sonntag in Los Angeles, Montag elsewhere
    for (let i = 0; i < 3; i++) {
      expect(zones.map((zone) => formatDate(at, 'full', 'de-DE', zone))).toEqual(first);
    }
    expect(formatDate(at, 'full', 'en-US', 'Asia/Tokyo')).toBe('Monday, May 4, 2026');
    expect(formatDate(at, 'HH:mm', 'en-US', 'Asia/Tokyo')).toBe('11:30');
    expect(formatDate(Date.parse(at), 'HH:mm', 'en-US', 'Asia/Tokyo')).toBe('11:30');
    expect(formatDate(at, 'HH:mm', 'en-US', null)).toBe('02:30');
    expect(formatDate(at, 'HH:mm', 'en-US', '')).toBe('02:30');
  });

  it("uses the customer's locale and time zone from the root context, even inside each", () => {
    const env = new TemplateEnvironment();
    const template = env.compileHtml(
      '{{date event.occurredAt "long"}} | {{#each tasks}}{{date dueAt "dd.MM. HH:mm"}}{{/each}}',
    );
    const out = template({
      customer: { locale: 'de-DE', timezone: 'America/Los_Angeles' },
      event: { occurredAt: at },
      tasks: [{ dueAt: at }],
    });
    expect(out).toBe('3. Mai 2026 | 03.05. 19:30');
  });
});

describe('the default and eq helpers', () => {
  const env = new TemplateEnvironment();

  it('default replaces a missing, null or empty value only', () => {
    const template = env.compileHtml('{{default customer.firstName "friend"}}');
    expect(template({ customer: { firstName: 'Ann' } })).toBe('Ann');
    expect(template({ customer: { firstName: '' } })).toBe('friend');
    expect(template({ customer: { firstName: null } })).toBe('friend');
    expect(template({})).toBe('friend');
    expect(env.compileHtml('{{default order.total 1}}')({ order: { total: 0 } })).toBe('0');
  });

  it('eq compares values, a number equal to its text', () => {
    const template = env.compileHtml('{{#if (eq a b)}}yes{{else}}no{{/if}}');
    expect(template({ a: 'warranty', b: 'warranty' })).toBe('yes');
    expect(template({ a: 15, b: '15' })).toBe('yes');
    expect(template({ a: 15, b: 16 })).toBe('no');
    expect(template({ a: null, b: 'null' })).toBe('no');
    expect(template({ a: {}, b: {} })).toBe('no');
  });
});

describe('the environment', () => {
  it('is isolated: nothing is registered on the global Handlebars', async () => {
    new TemplateEnvironment();
    const global = (await import('handlebars')).default;
    expect(global.helpers.money).toBeUndefined();
    expect(global.partials.footer).toBeUndefined();
  });

  it('refuses an unknown helper at compile time (knownHelpersOnly)', () => {
    const env = new TemplateEnvironment();
    expect(() => env.compileHtml('{{shout customer.firstName}}')({})).toThrow(
      /knownHelpersOnly.*shout/,
    );
  });
});
