import type { FieldError } from '../../common/problem/problem';
import { TemplateEnvironment } from '../../messaging/templates/handlebars-env';
import { checkSource } from '../../messaging/templates/template-check';
import type {
  AccountContext,
  CustomerContext,
  EventContext,
} from '../../messaging/templates/template-context';
import { toSubjectLine } from '../../messaging/templates/template-renderer';

/**
 * A task's title is a one-line Handlebars template over the stakeholder, the account and the
 * triggering event ("Quarterly value review with {{account.name}}"). It is plain text, not
 * HTML, so it is not escaped; control characters become spaces as in a subject, so a title
 * stays one line whatever a customer's name holds.
 */

/**
 * What a title may use: the account is what the task is about, the stakeholder and the event
 * how it came up. Only event rules have an event.
 */
export const titleRoots = (hasEvent: boolean): string[] =>
  hasEvent ? ['customer', 'account', 'event'] : ['customer', 'account'];

export interface TitleContext {
  customer?: CustomerContext | null;
  account: AccountContext;
  event?: EventContext | null;
}

/** A title is stored and listed: long enough for any sensible title, short enough for a list. */
export const MAX_TITLE_LENGTH = 500;

/** Errors of a title template, at `action.title` (checked when the rule is saved). */
export function checkTitle(title: string, hasEvent: boolean): FieldError[] {
  const roots = titleRoots(hasEvent);
  return checkSource(title, 'subject', { roots, partials: [] }).map((p) => ({
    path: 'action.title',
    message: `line ${p.line}, column ${p.column}: ${p.message}`,
  }));
}

/**
 * Renders titles with an isolated Handlebars environment (the project's helpers, prototype
 * access refused by the runtime's defaults). Compiled titles are cached: a run renders the
 * same title for thousands of accounts.
 */
export class TaskTitleRenderer {
  private readonly compiled = new Map<string, HandlebarsTemplateDelegate>();

  constructor(private readonly env: TemplateEnvironment = new TemplateEnvironment()) {}

  render(title: string, context: TitleContext, fallback: string): string {
    const rendered = toSubjectLine(this.compile(title)(context));
    const line = rendered === '' ? toSubjectLine(fallback) : rendered;
    return line.length > MAX_TITLE_LENGTH ? `${line.slice(0, MAX_TITLE_LENGTH - 1)}…` : line;
  }

  private compile(title: string): HandlebarsTemplateDelegate {
    let template = this.compiled.get(title);
    if (!template) {
      template = this.env.compilePlain(title);
      // Titles come from rules, so there are few; the bound only guards against a leak.
      if (this.compiled.size >= 500) this.compiled.clear();
      this.compiled.set(title, template);
    }
    return template;
  }
}
