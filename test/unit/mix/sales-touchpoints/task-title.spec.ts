import { checkTitle, TaskTitleRenderer } from '../../../../src/mix/sales-touchpoints/task-title';

const account = {
  id: 'acme',
  name: 'Acme & Sons <Ltd>',
  ownerEmail: 'sam@example.com',
  ownerName: 'Sam',
  attributes: { rank: 3 },
};
const customer = {
  id: 'c-1',
  email: 'jo@acme.example',
  firstName: 'Jo',
  lastName: 'Ng',
  locale: 'de-DE',
  timezone: 'Europe/Berlin',
  attributes: {},
};

describe('TaskTitleRenderer', () => {
  const titles = new TaskTitleRenderer();

  it('renders the account, stakeholder and event into plain text, not HTML', () => {
    const title = titles.render(
      'Value review with {{account.name}} (rank {{account.attributes.rank}}), ask {{customer.firstName}} about {{event.properties.topic}}',
      {
        account,
        customer,
        event: { id: 'e', type: 'x', occurredAt: new Date(), properties: { topic: 'renewal' } },
      },
      'fallback',
    );
    expect(title).toBe('Value review with Acme & Sons <Ltd> (rank 3), ask Jo about renewal');
  });

  it('uses the project helpers (date in the stakeholder’s zone and locale)', () => {
    const title = titles.render(
      'Call before {{date event.occurredAt "dd.MM.yyyy"}}',
      {
        account,
        customer,
        event: { id: 'e', type: 'x', occurredAt: '2026-03-31T23:30:00Z', properties: {} },
      },
      'fallback',
    );
    expect(title).toBe('Call before 01.04.2026');
  });

  it('keeps a title one line whatever a name holds', () => {
    const title = titles.render(
      'Visit {{account.name}}',
      { account: { ...account, name: 'Evil\r\nBcc: x@y.z' } },
      'fallback',
    );
    expect(title).toBe('Visit Evil Bcc: x@y.z');
  });

  it('falls back (to the rule name) when the title renders empty', () => {
    expect(titles.render('{{customer.firstName}}', { account, customer: null }, 'Rule name')).toBe(
      'Rule name',
    );
  });

  it('cuts a very long title at 500 characters', () => {
    const long = titles.render(
      '{{account.name}}',
      { account: { ...account, name: 'x'.repeat(900) } },
      'f',
    );
    expect(long).toHaveLength(500);
    expect(long.endsWith('…')).toBe(true);
  });

  it('renders nothing from prototypes', () => {
    expect(titles.render('a{{account.constructor.name}}b', { account }, 'f')).toBe('ab');
  });
});

describe('checkTitle', () => {
  it('accepts customer, account and, for event rules, event', () => {
    expect(checkTitle('{{account.name}} / {{customer.firstName}} / {{event.type}}', true)).toEqual(
      [],
    );
    expect(checkTitle('Review {{default account.ownerName "the owner"}}', false)).toEqual([]);
  });

  it('refuses other names at action.title', () => {
    expect(checkTitle('Review {{order.id}}', true)).toEqual([
      {
        path: 'action.title',
        message: expect.stringMatching(
          /^line 1, column 10: unknown name "order".*customer, account, event/,
        ),
      },
    ]);
  });

  it('refuses event in a schedule or manual rule: there is no event to name', () => {
    const errors = checkTitle('{{event.type}}', false);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toContain('unknown name "event"');
  });

  it('refuses syntax errors and unknown helpers', () => {
    expect(checkTitle('Review {{account.name', true)[0]).toMatchObject({
      path: 'action.title',
      message: expect.stringContaining('syntax error'),
    });
    expect(checkTitle('{{shout account.name}}', true)[0].message).toMatch(/shout/);
  });

  it('refuses prototype members', () => {
    expect(checkTitle('{{account.constructor}}', true)).toHaveLength(1);
  });
});
