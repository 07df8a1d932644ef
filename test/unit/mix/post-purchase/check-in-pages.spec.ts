import { loadConfig } from '../../../../src/config/app-config';
import { TemplateEnvironment } from '../../../../src/messaging/templates/handlebars-env';
import { TemplateRenderer } from '../../../../src/messaging/templates/template-renderer';
import { TemplateStore } from '../../../../src/messaging/templates/template-store';

/** The public check-in pages, rendered as the page controller renders them. */
const renderer = new TemplateRenderer(
  {} as TemplateStore,
  new TemplateEnvironment(),
  loadConfig({ COMPANY_NAME: 'Acme & Sons' }),
);

const page = (context: Record<string, unknown>) =>
  renderer.renderPage('check-in', {
    actionUrl: '/c/tok"en',
    goodUrl: '/c/tok?answer=good',
    problemUrl: '/c/tok?answer=problem',
    choice: null,
    comment: null,
    commentMax: 2000,
    errors: [],
    customer: { firstName: 'Ann' },
    order: { id: 'SO-1' },
    previous: null,
    ...context,
  });

const buttons = (html: string) => html.match(/<button/g)?.length ?? 0;

describe('the check-in pages', () => {
  it('"all good" preselected: one button that posts answer=good, no comment box', () => {
    const html = page({ choice: 'good' });
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<form method="post" action="/c/tok&quot;en">');
    expect(html).toContain('<input type="hidden" name="answer" value="good">');
    expect(html).not.toContain('<textarea');
    expect(buttons(html)).toBe(1);
    expect(html).toContain('order SO-1');
    expect(html).toContain('href="/c/tok?answer&#x3D;problem"');
  });

  it('"problem" preselected: one button that posts answer=problem, with a comment box', () => {
    const html = page({ choice: 'problem', comment: 'It <b>broke</b>' });
    expect(html).toContain('<input type="hidden" name="answer" value="problem">');
    expect(html).toContain(
      'name="comment" maxlength="2000">It &lt;b&gt;broke&lt;/b&gt;</textarea>',
    );
    expect(buttons(html)).toBe(1);
  });

  it('nothing preselected: both choices and a comment box', () => {
    const html = page({});
    expect(html).toContain('name="answer" value="good"');
    expect(html).toContain('name="answer" value="problem"');
    expect(html).toContain('<textarea');
    expect(buttons(html)).toBe(1);
  });

  it('shows errors and the earlier answer, escaped', () => {
    const html = page({
      choice: 'problem',
      errors: ['Your message is too long <sorry>'],
      previous: { answer: 'good', answeredAt: '2026-05-07T09:05:00Z' },
      customer: { firstName: '<script>x</script>' },
    });
    expect(html).toContain('role="alert"');
    expect(html).toContain('Your message is too long &lt;sorry&gt;');
    expect(html).toContain('You answered “all good” on May 7, 2026');
    expect(html).not.toContain('<script>x');
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
  });

  it('thanks the customer for each answer', () => {
    const base = { customer: { firstName: 'Ann' }, order: { id: 'SO-1' }, url: '/c/tok' };
    expect(renderer.renderPage('check-in-answered', { ...base, answer: 'good' })).toContain(
      'glad everything is fine with order SO-1',
    );
    const problem = renderer.renderPage('check-in-answered', {
      ...base,
      answer: 'problem',
      comment: 'Loud <fan>',
    });
    expect(problem).toContain('Our support team has your message about order SO-1');
    expect(problem).toContain('Loud &lt;fan&gt;');
    expect(problem).toContain('href="/c/tok"');
  });
});
