import { Inject, Injectable, Optional } from '@nestjs/common';
import { compile as compileHtmlToText } from 'html-to-text';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { parseTemplateFile, TemplateEnvironment } from './handlebars-env';
import { linksAsideText } from './links-aside-text';
import { TemplateContext } from './template-context';
import { StoredTemplate, TemplateStore } from './template-store';

export interface RenderedEmail {
  /** One line: control characters (CR, LF, …) became spaces, so it can never carry a header. */
  subject: string;
  /** The body inside the layout, with the footer (unsubscribe link, postal address). */
  html: string;
  text: string;
  /** The template version rendered: messages record it. */
  version: number;
}

export class TemplateNotFoundError extends Error {
  constructor(
    readonly key: string,
    readonly version?: number,
  ) {
    super(
      version === undefined
        ? `template ${key} has no version`
        : `template ${key} has no version ${version}`,
    );
    this.name = 'TemplateNotFoundError';
  }
}

/** Optional provider of the clock (`() => epoch ms`), for tests of the version cache. */
export const TEMPLATE_CLOCK = Symbol('TEMPLATE_CLOCK');

/** How long a process trusts its idea of a key's latest version: a new one is live within it. */
export const LATEST_VERSION_TTL_MS = 1000;
/** Compiled versions kept in memory (versions never change, so only memory bounds this). */
const MAX_COMPILED = 1000;

/** Every control character, C0 and C1 (CR and LF among them), and the Unicode line breaks. */
const CONTROL_CHARACTERS = /[\p{Cc}\u2028\u2029]+/gu;

/** A rendered subject as a safe one-line header value. */
export function toSubjectLine(rendered: string): string {
  return rendered
    .replace(CONTROL_CHARACTERS, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

const htmlToText = compileHtmlToText({
  wordwrap: 78,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'img', format: 'skip' },
    { selector: '.preheader', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    // Emails lay out with tables: read them as blocks, except the ones marked as data.
    { selector: 'table', format: 'block' },
    { selector: 'tr', format: 'block' },
    { selector: 'td', format: 'block' },
    { selector: 'table.data', format: 'dataTable' },
  ],
});

/** The footer's text: one conversion per footer shape, the recipient's links put aside. */
const footerToText = linksAsideText(htmlToText);

interface CompiledEmail {
  subject: HandlebarsTemplateDelegate;
  html: HandlebarsTemplateDelegate;
  text: HandlebarsTemplateDelegate | null;
}

interface CompiledPage {
  title: HandlebarsTemplateDelegate;
  body: HandlebarsTemplateDelegate;
}

/**
 * Renders stored template versions (emails) and the public pages. Compiled templates are
 * cached per (key, version), which never change; the latest version of a key is looked up at
 * most once a second per process, so a new version takes effect everywhere without a restart.
 */
@Injectable()
export class TemplateRenderer {
  private readonly compiled = new Map<string, Promise<CompiledEmail>>();
  private readonly latest = new Map<string, { at: number; version: Promise<number | null> }>();
  private readonly pages = new Map<string, CompiledPage>();
  private readonly emailLayout: HandlebarsTemplateDelegate;
  private readonly footer: HandlebarsTemplateDelegate;
  private pageLayout: HandlebarsTemplateDelegate | undefined;

  constructor(
    private readonly store: TemplateStore,
    @Inject(TemplateEnvironment) private readonly env: TemplateEnvironment,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(TEMPLATE_CLOCK) private readonly now: () => number = Date.now,
  ) {
    this.emailLayout = env.partial('layout');
    this.footer = env.partial('footer');
  }

  /** Renders the latest version of `key` (or `opts.version`) for one recipient. */
  async render(
    key: string,
    context: TemplateContext,
    opts: { version?: number } = {},
  ): Promise<RenderedEmail> {
    const version = opts.version ?? (await this.latestVersion(key));
    if (version === null) throw new TemplateNotFoundError(key);
    const template = await this.compiledVersion(key, version);
    return { ...this.renderCompiled(template, context), version };
  }

  /** Renders a template that is not stored (yet): what a preview of an unsaved draft needs. */
  renderSource(
    source: { subject: string; html: string; text?: string | null },
    context: TemplateContext,
  ): Omit<RenderedEmail, 'version'> {
    return this.renderCompiled(this.compile(source), context);
  }

  /**
   * A public page from `templates/pages/<name>.hbs` inside `pages/layout.hbs`: the
   * unsubscribe and check-in pages. `company` is filled in; everything else comes from the caller.
   */
  renderPage(name: string, context: Record<string, unknown> = {}): string {
    const page = this.page(name);
    const root = { company: this.config.company, ...context };
    const title = page.title(root).trim();
    const layout = (this.pageLayout ??= this.env.compileHtml(this.readPage('layout').body));
    return layout({ ...root, title, body: page.body(root) });
  }

  /** Forgets what this process knows of a key's latest version (after saving one here). */
  forget(key: string) {
    this.latest.delete(key);
  }

  private latestVersion(key: string): Promise<number | null> {
    const now = this.now();
    const cached = this.latest.get(key);
    if (cached && now - cached.at < LATEST_VERSION_TTL_MS) return cached.version;
    const version = this.store.latestVersion(key);
    // Concurrent renders share one query; a failed one is not remembered.
    this.latest.set(key, { at: now, version });
    version.catch(() => {
      if (this.latest.get(key)?.version === version) this.latest.delete(key);
    });
    return version;
  }

  private compiledVersion(key: string, version: number): Promise<CompiledEmail> {
    const cacheKey = `${key}@${version}`;
    let compiled = this.compiled.get(cacheKey);
    if (!compiled) {
      compiled = this.store.find(key, version).then((stored: StoredTemplate | null) => {
        if (!stored) throw new TemplateNotFoundError(key, version);
        return this.compile(stored);
      });
      if (this.compiled.size >= MAX_COMPILED) {
        this.compiled.delete(this.compiled.keys().next().value!);
      }
      this.compiled.set(cacheKey, compiled);
      compiled.catch(() => this.compiled.delete(cacheKey));
    }
    return compiled;
  }

  private compile(source: { subject: string; html: string; text?: string | null }): CompiledEmail {
    return {
      subject: this.env.compilePlain(source.subject),
      html: this.env.compileHtml(source.html),
      text: source.text ? this.env.compilePlain(source.text) : null,
    };
  }

  private renderCompiled(template: CompiledEmail, context: TemplateContext) {
    const root: TemplateContext = { ...context, company: context.company ?? this.config.company };
    const subject = toSubjectLine(template.subject(root));
    const body = template.html(root);
    const html = this.emailLayout({ ...root, subject, body });
    // The text part is the message and the footer (the unsubscribe link and the address),
    // without the layout's frame (the header, the card): the written text, or the body's HTML
    // converted. Converting the whole email instead cost three times as much, 0.16 ms a
    // message (the layout's tables and styles), for the company name as a first line.
    const links = [root.unsubscribeUrl, root.preferencesUrl].filter((l) => typeof l === 'string');
    const footer = footerToText(this.footer(root), links).trim();
    const main = (template.text ? template.text(root) : htmlToText(body)).trim();
    return { subject, html, text: `${main}\n\n-- \n${footer}\n` };
  }

  private page(name: string): CompiledPage {
    let page = this.pages.get(name);
    if (!page) {
      if (!/^[a-z0-9-]+$/.test(name) || name === 'layout') {
        throw new Error(`no page template named ${JSON.stringify(name)}`);
      }
      const file = this.readPage(name);
      page = {
        title: this.env.compilePlain(file.attributes.title ?? ''),
        body: this.env.compileHtml(file.body),
      };
      this.pages.set(name, page);
    }
    return page;
  }

  private readPage(name: string) {
    const source = readFileSync(join(this.env.dir, 'pages', `${name}.hbs`), 'utf8');
    return parseTemplateFile(source, ['title']);
  }
}
