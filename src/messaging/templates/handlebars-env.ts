import Handlebars from 'handlebars';
import { DateTime } from 'luxon';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { zoneOrUtc } from '../../common/time/zones';

/** `templates/` at the repository root: the same relative path from src/ and from dist/. */
export const TEMPLATES_DIR = resolve(__dirname, '../../../templates');

export type HandlebarsEnv = typeof Handlebars;

/**
 * Every helper a template may call, with how. Templates are compiled with
 * `knownHelpersOnly`, and the checker refuses any other name when a template is saved.
 */
export interface HelperSpec {
  /** `{{#each …}}…{{/each}}` (true) or `{{money …}}` / `(eq …)` (false). */
  block: boolean;
  minArgs: number;
  maxArgs: number;
  usage: string;
}

export const HELPERS: Readonly<Record<string, HelperSpec>> = {
  if: { block: true, minArgs: 1, maxArgs: 1, usage: '{{#if value}}…{{else}}…{{/if}}' },
  unless: { block: true, minArgs: 1, maxArgs: 1, usage: '{{#unless value}}…{{/unless}}' },
  each: { block: true, minArgs: 1, maxArgs: 1, usage: '{{#each list}}…{{/each}}' },
  with: { block: true, minArgs: 1, maxArgs: 1, usage: '{{#with value}}…{{/with}}' },
  lookup: { block: false, minArgs: 2, maxArgs: 2, usage: '{{lookup object "name"}}' },
  money: {
    block: false,
    minArgs: 1,
    maxArgs: 3,
    usage: '{{money amount currency locale}} (currency and locale optional)',
  },
  date: {
    block: false,
    minArgs: 1,
    maxArgs: 2,
    usage: '{{date value "medium"}} (format optional)',
  },
  default: { block: false, minArgs: 2, maxArgs: 2, usage: '{{default value "fallback"}}' },
  eq: { block: false, minArgs: 2, maxArgs: 2, usage: '{{#if (eq a b)}}…{{/if}}' },
};

const CUSTOM_HELPERS = ['money', 'date', 'default', 'eq'] as const;

const knownHelpers = Object.fromEntries(CUSTOM_HELPERS.map((name) => [name, true]));

/**
 * HTML bodies: `{{ }}` escapes. `knownHelpersOnly` makes any other helper a compile error,
 * and prototype access stays refused (Handlebars' default runtime options are never relaxed).
 */
export const HTML_COMPILE_OPTIONS: CompileOptions = { knownHelpers, knownHelpersOnly: true };

/** Subjects and plain-text bodies: not HTML, so not escaped (the subject is cleaned instead). */
export const PLAIN_COMPILE_OPTIONS: CompileOptions = { ...HTML_COMPILE_OPTIONS, noEscape: true };

// ---------------------------------------------------------------------------------------------
// Helpers, as plain functions (tested directly) and as Handlebars helpers.

const FALLBACK_LOCALE = 'en-US';
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

function validLocale(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  try {
    const [canonical] = Intl.getCanonicalLocales(value.replace(/_/g, '-'));
    return canonical;
  } catch {
    return undefined;
  }
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  // Postgres numerics arrive as strings.
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string, currency: string | undefined): Intl.NumberFormat {
  const cacheKey = `${locale}|${currency ?? ''}`;
  let format = numberFormats.get(cacheKey);
  if (!format) {
    format = currency
      ? new Intl.NumberFormat(locale, { style: 'currency', currency })
      : new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    if (numberFormats.size < 500) numberFormats.set(cacheKey, format);
  }
  return format;
}

/**
 * `1548.99, 'EUR', 'de-DE'` → `1.548,99 €`. Without a valid currency, a number with two
 * decimals; without a valid locale, en-US. A value that is not a number renders empty.
 */
export function formatMoney(amount: unknown, currency?: unknown, locale?: unknown): string {
  const value = toNumber(amount);
  if (value === undefined) return '';
  const code = typeof currency === 'string' ? currency.toUpperCase() : undefined;
  const known = code && CURRENCIES.has(code) ? code : undefined;
  return numberFormat(validLocale(locale) ?? FALLBACK_LOCALE, known).format(value);
}

export const DATE_PRESETS = {
  short: DateTime.DATE_SHORT,
  medium: DateTime.DATE_MED,
  long: DateTime.DATE_FULL,
  full: DateTime.DATE_HUGE,
} as const;

function toDateTime(value: unknown): DateTime | undefined {
  let dt: DateTime | undefined;
  if (value instanceof Date) dt = DateTime.fromJSDate(value);
  else if (typeof value === 'string' && value !== '')
    dt = DateTime.fromISO(value, { setZone: true });
  else if (typeof value === 'number' && Number.isFinite(value)) dt = DateTime.fromMillis(value);
  return dt?.isValid ? dt : undefined;
}

/**
 * A date in a locale and time zone: `format` is `short`, `medium` (default), `long`, `full`
 * or a luxon format such as `dd.MM.yyyy HH:mm`. Invalid dates render empty; an invalid locale
 * or zone falls back to en-US and UTC.
 */
export function formatDate(value: unknown, format?: unknown, locale?: unknown, zone?: unknown) {
  const key = formattedDateKey(value, format, locale, zone);
  if (key === null) return formatDateNow(value, format, locale, zone);
  let formatted = formattedDates.get(key);
  if (formatted === undefined) {
    formatted = formatDateNow(value, format, locale, zone);
    if (formattedDates.size >= MAX_FORMATTED_DATES) {
      formattedDates.delete(formattedDates.keys().next().value!);
    }
    formattedDates.set(key, formatted);
  }
  return formatted;
}

/**
 * Dates formatted lately, by their inputs (formatting depends on nothing else). A rule run's
 * messages share their dates (a code's expiry, an order's day) and a handful of zones and
 * locales; luxon took about 30 µs to format one, the largest part of rendering after HTML
 * to text.
 */
const formattedDates = new Map<string, string>();
const MAX_FORMATTED_DATES = 2_000;

function formattedDateKey(value: unknown, ...rest: unknown[]): string | null {
  let key: string;
  if (value instanceof Date) key = `d${value.getTime()}`;
  else if (typeof value === 'string' && value.length <= 64) key = `s${value}`;
  else if (typeof value === 'number') key = `n${value}`;
  else return null;
  for (const part of rest) {
    if (part !== undefined && part !== null && typeof part !== 'string') return null;
    key += `\u0000${part ?? '\u0001'}`;
  }
  return key;
}

function formatDateNow(value: unknown, format?: unknown, locale?: unknown, zone?: unknown) {
  const dt = toDateTime(value);
  if (!dt) return '';
  const local = dt
    .setZone(zoneOrUtc(typeof zone === 'string' ? zone : null))
    .setLocale(validLocale(locale) ?? FALLBACK_LOCALE);
  const name = typeof format === 'string' && format !== '' ? format : 'medium';
  return name in DATE_PRESETS
    ? local.toLocaleString(DATE_PRESETS[name as keyof typeof DATE_PRESETS])
    : local.toFormat(name);
}

/** The template's root context, which helpers read the customer's locale and zone from. */
function rootCustomer(options: Handlebars.HelperOptions): Record<string, unknown> | undefined {
  const root = (options.data as { root?: unknown } | undefined)?.root;
  const customer =
    root && typeof root === 'object' ? (root as { customer?: unknown }).customer : undefined;
  return customer && typeof customer === 'object'
    ? (customer as Record<string, unknown>)
    : undefined;
}

function rootOrderCurrency(options: Handlebars.HelperOptions): unknown {
  const root = (options.data as { root?: { order?: { currency?: unknown } } } | undefined)?.root;
  return root?.order?.currency;
}

/** Splits Handlebars' arguments into the template's arguments and the options object. */
function helperArgs(args: unknown[]): [unknown[], Handlebars.HelperOptions] {
  return [args.slice(0, -1), args[args.length - 1] as Handlebars.HelperOptions];
}

const absent = (value: unknown) => value === undefined || value === null || value === '';

function registerHelpers(hbs: HandlebarsEnv) {
  hbs.registerHelper('money', (...all: unknown[]) => {
    const [[amount, currency, locale], options] = helperArgs(all);
    return formatMoney(
      amount,
      absent(currency) ? rootOrderCurrency(options) : currency,
      absent(locale) ? rootCustomer(options)?.locale : locale,
    );
  });
  hbs.registerHelper('date', (...all: unknown[]) => {
    const [[value, format], options] = helperArgs(all);
    const customer = rootCustomer(options);
    return formatDate(value, format, customer?.locale, customer?.timezone);
  });
  hbs.registerHelper('default', (...all: unknown[]) => {
    const [[value, fallback]] = helperArgs(all);
    return absent(value) ? fallback : value;
  });
  hbs.registerHelper('eq', (...all: unknown[]) => {
    const [[a, b]] = helperArgs(all);
    // A number and its text compare equal: numerics from Postgres arrive as strings.
    const mixed =
      (typeof a === 'number' && typeof b === 'string') ||
      (typeof a === 'string' && typeof b === 'number');
    return a === b || (mixed && String(a) === String(b));
  });
}

// ---------------------------------------------------------------------------------------------
// The environment: an isolated Handlebars instance with our helpers and partials.

/**
 * The front matter of a template file: `---`, `key: value` lines, `---`, then the body.
 * Values are one line each; the body starts on the line after the closing `---`.
 */
export interface TemplateFile {
  attributes: Record<string, string>;
  body: string;
}

export function parseTemplateFile(source: string, allowed: readonly string[]): TemplateFile {
  const match = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(source);
  if (!match) return { attributes: {}, body: source };
  const attributes: Record<string, string> = {};
  for (const line of match[1].split(/\r?\n/)) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const pair = /^([A-Za-z][\w-]*):\s?(.*)$/.exec(line);
    if (!pair) throw new Error(`front matter line "${line}" is not "key: value"`);
    if (!allowed.includes(pair[1])) {
      throw new Error(`unknown front matter key "${pair[1]}" (known: ${allowed.join(', ')})`);
    }
    attributes[pair[1]] = pair[2].trim();
  }
  return { attributes, body: source.slice(match[0].length) };
}

/** Reads every `*.hbs` of a folder as `{ name: source }`; a missing folder is empty. */
export function readTemplateFolder(dir: string): Record<string, string> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.hbs'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  return Object.fromEntries(
    names.sort().map((name) => [basename(name, '.hbs'), readFileSync(join(dir, name), 'utf8')]),
  );
}

/**
 * One isolated Handlebars environment (`Handlebars.create()`): our helpers, our partials
 * (`templates/partials/*.hbs`), nothing registered globally. Pure apart from reading the
 * partials once when built.
 */
export class TemplateEnvironment {
  readonly hbs: HandlebarsEnv = Handlebars.create();
  /** The names `{{> name}}` may use, e.g. `footer`. */
  readonly partialNames: readonly string[];
  readonly partialSources: Readonly<Record<string, string>>;

  constructor(readonly dir: string = TEMPLATES_DIR) {
    registerHelpers(this.hbs);
    this.partialSources = readTemplateFolder(join(dir, 'partials'));
    for (const [name, source] of Object.entries(this.partialSources)) {
      this.hbs.registerPartial(name, this.hbs.compile(source, HTML_COMPILE_OPTIONS));
    }
    this.partialNames = Object.keys(this.partialSources);
  }

  compileHtml(source: string): HandlebarsTemplateDelegate {
    return this.hbs.compile(source, HTML_COMPILE_OPTIONS);
  }

  compilePlain(source: string): HandlebarsTemplateDelegate {
    return this.hbs.compile(source, PLAIN_COMPILE_OPTIONS);
  }

  /** A partial's source, compiled as a template of its own (the layout wraps bodies this way). */
  partial(name: string): HandlebarsTemplateDelegate {
    const source = this.partialSources[name];
    if (source === undefined) throw new Error(`templates/partials/${name}.hbs is missing`);
    return this.compileHtml(source);
  }
}
