import { checkSource, checkTemplate } from '../../../src/messaging/templates/template-check';

const html = (source: string) => checkTemplate({ subject: 'Hello', html: source });

describe('checkTemplate', () => {
  it('accepts a template that uses the documented context, helpers and partials', () => {
    expect(
      checkTemplate({
        subject: 'Your order {{order.id}}, {{default customer.firstName "friend"}}',
        html: [
          '<p>Hello {{customer.firstName}},</p>',
          '{{#each order.items as |item i|}}',
          '  {{@index}} {{item.name}} {{name}} {{this.sku}} {{money unitPrice ../order.currency}}',
          '  {{#if @first}}first{{/if}} {{@root.customer.lastName}}',
          '{{else}}no items{{/each}}',
          '{{#with promotion}}{{code}} until {{date expiresAt "long"}}{{/with}}',
          '{{#if (eq promotion.discountPercent 15)}}15!{{else if checkIn}}x{{/if}}',
          '{{lookup customer "firstName"}} {{> footer}}',
          '{{!-- a comment with {{unknown}} inside is fine --}}',
        ].join('\n'),
        text: 'Hello {{customer.firstName}}: {{unsubscribeUrl}}',
      }),
    ).toEqual([]);
  });

  it('refuses a typo in a top-level name with its line and column, and suggests the name', () => {
    const errors = html('<p>Hello</p>\n<p>Dear {{custmer.firstName}},</p>');
    expect(errors).toEqual([
      {
        path: 'html',
        message: expect.stringMatching(
          /^line 2, column 11: unknown name "custmer" \(did you mean "customer"\?\)/,
        ),
      },
    ]);
  });

  it('names the field: subject, html or text', () => {
    const errors = checkTemplate({
      subject: 'Hi {{custmer.firstName}}',
      html: '<p>{{ordr.id}}</p>',
      text: 'Bye {{promo.code}}',
    });
    expect(errors.map((e) => [e.path, e.message.slice(0, 20)])).toEqual([
      ['subject', 'line 1, column 6: un'],
      ['html', 'line 1, column 6: un'],
      ['text', 'line 1, column 7: un'],
    ]);
  });

  it('refuses a syntax error with the line and the column where it is', () => {
    expect(html('<p>one</p>\n<p>two {{customer.firstName</p>')).toEqual([
      {
        path: 'html',
        message:
          'line 2, column 19: syntax error: cannot read "firstName</p>" inside {{ … }}; is a "}}" missing?',
      },
    ]);
    expect(html('<p>\n  {{#if customer}}\n  hello\n')).toEqual([
      {
        path: 'html',
        message: expect.stringMatching(/^line 4, column 1: syntax error: the template ends/),
      },
    ]);
  });

  it('refuses a block closed by the wrong name', () => {
    const [error] = html('{{#if customer}}\n  x\n{{/each}}');
    expect(error.path).toBe('html');
    expect(error.message).toMatch(/^line 1, column \d+: syntax error: if doesn't match each/);
  });

  it('refuses an unknown helper, inline, as a block and in a subexpression', () => {
    expect(html('a\n  {{formatPrice order.total}}')).toEqual([
      {
        path: 'html',
        message: expect.stringMatching(/^line 2, column 5: unknown helper "formatPrice"/),
      },
    ]);
    expect(html('{{#repeat 3}}x{{/repeat}}')[0].message).toMatch(
      /^line 1, column 4: unknown block helper "repeat"/,
    );
    expect(html('{{#if (equals a b)}}x{{/if}}')[0].message).toMatch(/unknown helper "equals"/);
    expect(html('{{mony order.total}}')[0].message).toMatch(/did you mean "money"/);
  });

  it('refuses a helper used the wrong way or with the wrong number of arguments', () => {
    expect(html('{{#money order.total}}x{{/money}}')[0].message).toMatch(
      /"money" is not a block helper/,
    );
    expect(html('{{if customer}}')[0].message).toMatch(/"if" is a block helper/);
    expect(html('{{default customer.firstName}}')[0].message).toMatch(
      /"default" takes 2 argument\(s\), got 1/,
    );
    expect(html('{{money order.total currency="EUR"}}')[0].message).toMatch(/no named arguments/);
  });

  it('refuses an unknown partial, a dynamic one, and the layout', () => {
    expect(html('<p>x</p>{{> header}}')).toEqual([
      {
        path: 'html',
        message: expect.stringMatching(/^line 1, column 13: unknown partial "header"/),
      },
    ]);
    expect(html('{{> footr}}')[0].message).toMatch(/did you mean "footer"/);
    expect(html('{{> (lookup customer "x")}}')[0].message).toMatch(/dynamic partials/);
    expect(html('{{> layout}}')[0].message).toMatch(/applied to every email automatically/);
    expect(checkTemplate({ subject: '{{> footer}}', html: 'x' })[0]).toMatchObject({
      path: 'subject',
      message: expect.stringMatching(/partials are HTML/),
    });
  });

  describe('inside each and with', () => {
    it('accepts relative names, this and @-variables', () => {
      expect(
        html('{{#each order.items}}{{name}} {{this}} {{@index}} {{@first}} {{@last}}{{/each}}'),
      ).toEqual([]);
      expect(html('{{#with customer}}{{firstName}} {{whatever.deep}}{{/with}}')).toEqual([]);
    });

    it('checks a name that climbs back to the root with ../ against the root names', () => {
      expect(html('{{#each order.items}}{{../customer.firstName}}{{/each}}')).toEqual([]);
      expect(html('{{#each order.items}}\n  {{name}} {{../custmer.x}}\n{{/each}}')).toEqual([
        {
          path: 'html',
          message: expect.stringMatching(/^line 2, column 14: unknown name "custmer"/),
        },
      ]);
    });

    it('counts only blocks that change the context, as Handlebars does', () => {
      // {{#if}} keeps the context: ../ inside each → if still reaches the root.
      expect(
        html('{{#each order.items}}{{#if name}}{{../customer.firstName}}{{/if}}{{/each}}'),
      ).toEqual([]);
      expect(
        html('{{#with order}}{{#each items}}{{../../custmer.x}}{{/each}}{{/with}}')[0].message,
      ).toMatch(/unknown name "custmer"/);
      expect(html('{{#if customer}}{{../customer.firstName}}{{/if}}')[0].message).toMatch(
        /climbs above the template's root/,
      );
    });

    it('checks the else branch of each against the outer context', () => {
      expect(html('{{#each order.items}}{{name}}{{else}}{{nme}}{{/each}}')[0].message).toMatch(
        /unknown name "nme"/,
      );
    });

    it('refuses @index outside a loop and unknown @-variables', () => {
      expect(html('{{@index}}')[0].message).toMatch(/only defined inside \{\{#each\}\}/);
      expect(html('{{#each tasks}}{{@position}}{{/each}}')[0].message).toMatch(
        /unknown data variable "@position"/,
      );
      expect(html('{{@root.custmer.x}}')[0].message).toMatch(/unknown name "custmer"/);
    });
  });

  it('refuses triple braces in user templates, and allows only the given names in the layout', () => {
    expect(html('<p>{{{customer.firstName}}}</p>')).toEqual([
      {
        path: 'html',
        message: expect.stringMatching(
          /^line 1, column 4: triple braces .* customer data stays escaped/,
        ),
      },
    ]);
    expect(html('{{& customer.firstName}}')[0].message).toMatch(/triple braces/);
    expect(checkTemplate({ subject: '{{{order.id}}}', html: 'x' })[0].message).toMatch(
      /the subject is plain text/,
    );
    expect(
      checkSource('<main>{{{body}}}</main>', 'html', { roots: ['body'], unescaped: ['body'] }),
    ).toEqual([]);
  });

  it('refuses paths to prototypes, directly or through lookup', () => {
    expect(html('{{customer.constructor.name}}')[0].message).toMatch(
      /"constructor" is not accessible from templates/,
    );
    expect(html('{{lookup customer "__proto__"}}')[0].message).toMatch(
      /"__proto__" is not accessible/,
    );
    expect(html('{{#with customer}}{{__proto__.x}}{{/with}}')[0].message).toMatch(/not accessible/);
  });

  it('refuses decorators and inline partials', () => {
    expect(html('{{#*inline "x"}}y{{/inline}}')[0].message).toMatch(/inline partials/);
  });

  it('reports every problem of a field, in order', () => {
    const errors = html('{{a}}\n{{b}}\n{{customer.firstName}} {{c}}');
    expect(errors.map((e) => e.message.replace(/:.*/, ''))).toEqual([
      'line 1, column 3',
      'line 2, column 3',
      'line 3, column 26',
    ]);
  });
});
