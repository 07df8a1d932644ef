import fc from 'fast-check';
import { compile } from 'html-to-text';
import { TemplateEnvironment } from '../../../src/messaging/templates/handlebars-env';
import { linksAsideText } from '../../../src/messaging/templates/links-aside-text';

const convert = compile({
  wordwrap: 78,
  selectors: [{ selector: 'h4', options: { uppercase: true } }],
});
const footer = new TemplateEnvironment().partial('footer');

/**
 * A link of the characters URLs carry (none that HTML escapes): of any length, or an
 * unsubscribe link of one deployment (same length every time, so shapes repeat).
 */
const link = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('https://', 'http://'),
      fc.stringMatching(/^[a-z0-9.-]{1,30}$/),
      fc.stringMatching(/^[A-Za-z0-9/._~%-]{0,180}$/),
    )
    .map(([scheme, host, path]) => `${scheme}${host}/${path}`),
  fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((token) => `https://mix.example.com/u/${token}`),
);
const companyText = fc.oneof(
  fc.constantFrom('Acme & Sons', '5 Main Street, 10115 Berlin', ''),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
);

describe('linksAsideText', () => {
  it('gives the text a direct conversion gives, for any company and links', () => {
    const asideText = linksAsideText(convert);
    fc.assert(
      fc.property(
        companyText,
        companyText,
        link,
        fc.option(link),
        fc.boolean(),
        (name, postalAddress, unsubscribeUrl, otherPreferences, withLinks) => {
          const root = withLinks
            ? {
                company: { name, postalAddress },
                unsubscribeUrl,
                preferencesUrl: otherPreferences ?? unsubscribeUrl,
              }
            : { company: { name, postalAddress } };
          const html = footer(root);
          const links = withLinks ? [unsubscribeUrl, otherPreferences ?? unsubscribeUrl] : [];
          expect(asideText(html, links)).toBe(convert(html));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('converts a footer shape once, whoever it is for', () => {
    let calls = 0;
    const asideText = linksAsideText((html) => {
      calls++;
      return convert(html);
    });
    const company = { name: 'Acme & Sons', postalAddress: '5 Main Street, 10115 Berlin' };
    // Links of one length are one shape: converted for the first recipient only.
    for (const token of ['a1b2c3d4e5', 'zz9-yy8_x7', 'QQQQQQQQQQ']) {
      const url = `https://mix.example.com/u/${token}`;
      const html = footer({ company, unsubscribeUrl: url, preferencesUrl: url });
      expect(asideText(html, [url, url])).toBe(convert(html));
      expect(asideText(html, [url, url])).toContain(`[${url}]`);
    }
    expect(calls).toBe(1);
  });

  it('converts directly what the converter would change: a link upper-cased in a heading', () => {
    const asideText = linksAsideText(convert);
    const url = 'https://mix.example.com/u/token-123456789';
    const html = `<h4>Leave: ${url}</h4>`;
    expect(asideText(html, [url])).toBe(convert(html));
    expect(asideText(html, [url])).toContain(url.toUpperCase());
  });

  it('converts directly a link that HTML escapes or that holds whitespace', () => {
    let calls = 0;
    const asideText = linksAsideText((html) => {
      calls++;
      return convert(html);
    });
    for (const url of ['https://x.example/u?a=1&b=2', 'https://x.example/u/a b c d e f g h i']) {
      const html = `<p><a href="${url}">Unsubscribe</a></p>`;
      expect(asideText(html, [url])).toBe(convert(html));
    }
    expect(calls).toBe(2);
  });
});
