import Handlebars from 'handlebars';
import { FieldError } from '../../common/problem/problem';
import { HELPERS, HTML_COMPILE_OPTIONS, PLAIN_COMPILE_OPTIONS } from './handlebars-env';
import { CONTEXT_ROOT_NAMES } from './template-context';

/**
 * Refuses, when a template is saved rather than when it is sent, everything that would fail or
 * misbehave at render time: syntax errors, unknown helpers and partials, names outside the
 * documented context, unescaped output and prototype access. Pure: a function of the text.
 */

export type TemplateField = 'subject' | 'html' | 'text';

export interface TemplateInput {
  subject: string;
  html: string;
  text?: string | null;
}

export interface CheckOptions {
  /** Partials `{{> name}}` may use in the html. Default: `footer`. */
  partials?: readonly string[];
  /** Root names paths may start with. Default: the template context's. */
  roots?: readonly string[];
  /** Names `{{{name}}}` may print unescaped: only the layout's `body`. Default: none. */
  unescaped?: readonly string[];
}

/** A problem in one source text; line and column count from 1. */
export interface TemplateProblem {
  line: number;
  column: number;
  message: string;
}

const DEFAULT_PARTIALS = ['footer'];
const DATA_NAMES = ['index', 'first', 'last', 'key'];
/** Per field: enough to fix a template, not a wall of text. */
const MAX_PROBLEMS = 20;

/**
 * Prototype members a path could reach. Handlebars' runtime refuses them too; refusing them
 * here tells the author at once instead of rendering nothing.
 */
const isForbiddenName = (name: string) =>
  name.startsWith('__') || name === 'constructor' || name === 'prototype';

/** `checkTemplate` for the three fields of an email template, as API field errors. */
export function checkTemplate(input: TemplateInput, options: CheckOptions = {}): FieldError[] {
  const fields: [TemplateField, string | null | undefined][] = [
    ['subject', input.subject],
    ['html', input.html],
    ['text', input.text],
  ];
  return fields.flatMap(([field, source]) =>
    source === undefined || source === null
      ? []
      : checkSource(source, field, options).map((p) => ({
          path: field,
          message: `line ${p.line}, column ${p.column}: ${p.message}`,
        })),
  );
}

/** The problems of one field's source text, in the order they appear. */
export function checkSource(
  source: string,
  field: TemplateField,
  options: CheckOptions = {},
): TemplateProblem[] {
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(source);
  } catch (error) {
    return [syntaxProblem(source, error)];
  }
  const walker = new Walker(field, {
    partials: options.partials ?? DEFAULT_PARTIALS,
    roots: options.roots ?? CONTEXT_ROOT_NAMES,
    unescaped: options.unescaped ?? [],
  });
  walker.program(ast, [{ kind: 'root', loop: false, blockParams: [] }]);
  const problems = walker.problems.sort((a, b) => a.line - b.line || a.column - b.column);
  if (problems.length > 0) return problems.slice(0, MAX_PROBLEMS);
  // The walk mirrors Handlebars' rules; its own compiler has the last word.
  try {
    Handlebars.precompile(source, field === 'html' ? HTML_COMPILE_OPTIONS : PLAIN_COMPILE_OPTIONS);
  } catch (error) {
    return [handlebarsProblem(error, { line: 1, column: 1 })];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------
// Syntax errors

/** Where a Handlebars exception points (its own `lineNumber`, column from 0), if anywhere. */
function handlebarsProblem(error: unknown, fallback: { line: number; column: number }) {
  const { lineNumber, column, message } = error as {
    lineNumber?: number;
    column?: number;
    message?: string;
  };
  const text = String(message ?? error).replace(/ - \d+:\d+$/, '');
  return typeof lineNumber === 'number'
    ? { line: lineNumber, column: (column ?? 0) + 1, message: text }
    : { ...fallback, message: text };
}

const TOKEN_NAMES: Record<string, string> = {
  EOF: 'the end of the template',
  CLOSE: '"}}"',
  CLOSE_UNESCAPED: '"}}}"',
  CLOSE_SEXPR: '")"',
  OPEN_SEXPR: '"("',
  INVERSE: '{{else}}',
  OPEN_INVERSE_CHAIN: '{{else …}}',
  OPEN_ENDBLOCK: 'a closing {{/…}}',
  EQUALS: '"="',
  SEP: '"." or "/"',
};

/**
 * Handlebars' parser (jison) throws a message with a line but no column; the lexer it shares
 * still holds the failing token's location right after the throw (parsing is synchronous).
 */
function syntaxProblem(source: string, error: unknown): TemplateProblem {
  const message = String((error as Error)?.message ?? error);
  if (typeof (error as { lineNumber?: unknown }).lineNumber === 'number') {
    const problem = handlebarsProblem(error, { line: 1, column: 1 });
    return { ...problem, message: `syntax error: ${problem.message}` };
  }
  const lexer = (
    Handlebars as unknown as {
      Parser: {
        lexer: {
          yylloc?: { first_line: number; first_column: number };
          _input?: string;
        };
      };
    }
  ).Parser.lexer;
  if (message.startsWith('Lexical error')) {
    // The unrecognised text is what the lexer has not consumed.
    const offset = source.length - (lexer._input?.length ?? source.length);
    const { line, column } = positionOf(source, offset);
    return {
      line,
      column,
      message: `syntax error: unrecognised text near ${snippet(source, offset)}`,
    };
  }
  const loc = lexer.yylloc;
  const line = loc?.first_line ?? Number(/line (\d+)/.exec(message)?.[1] ?? 1);
  const column = (loc?.first_column ?? 0) + 1;
  const got = /got '([A-Z_]+)'\s*$/.exec(message)?.[1];
  const offset = offsetOf(source, line, column);
  if (got === 'EOF') {
    return {
      line,
      column,
      message:
        'syntax error: the template ends inside a tag or block; check that every {{ has its }} and every {{#block}} its {{/block}}',
    };
  }
  if (got === 'INVALID') {
    return {
      line,
      column,
      message: `syntax error: cannot read ${snippet(source, offset)} inside {{ … }}; is a "}}" missing?`,
    };
  }
  const found = got && TOKEN_NAMES[got] ? TOKEN_NAMES[got] : snippet(source, offset);
  return { line, column, message: `syntax error: unexpected ${found}` };
}

function positionOf(source: string, offset: number) {
  const before = source.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

function offsetOf(source: string, line: number, column: number) {
  const lines = source.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  return offset + column - 1;
}

function snippet(source: string, offset: number) {
  const text = source.slice(offset, offset + 20).split('\n')[0];
  return text === '' ? 'the end of the line' : JSON.stringify(text);
}

// ---------------------------------------------------------------------------------------------
// The walk

interface Scope {
  /** `root`: the template context, whose names are checked; `relative`: an item of each/with. */
  kind: 'root' | 'relative';
  /** Inside an `{{#each}}`: `@index`, `@first`, … are defined. */
  loop: boolean;
  /** `as |item index|` names. */
  blockParams: string[];
}

type Expression =
  | hbs.AST.PathExpression
  | hbs.AST.SubExpression
  | hbs.AST.StringLiteral
  | hbs.AST.NumberLiteral
  | hbs.AST.BooleanLiteral
  | hbs.AST.NullLiteral
  | hbs.AST.UndefinedLiteral;

/** Anything Handlebars can call a helper with. */
interface Call {
  path: hbs.AST.PathExpression | hbs.AST.Expression;
  params: hbs.AST.Expression[];
  hash?: hbs.AST.Hash;
}

class Walker {
  readonly problems: TemplateProblem[] = [];

  constructor(
    private readonly field: TemplateField,
    private readonly options: Required<CheckOptions>,
  ) {}

  program(program: hbs.AST.Program | undefined, scopes: Scope[]) {
    for (const statement of program?.body ?? []) this.statement(statement, scopes);
  }

  private report(node: hbs.AST.Node, message: string) {
    this.problems.push({
      line: node.loc?.start.line ?? 1,
      column: (node.loc?.start.column ?? 0) + 1,
      message,
    });
  }

  private statement(node: hbs.AST.Statement, scopes: Scope[]) {
    switch (node.type) {
      case 'ContentStatement':
      case 'CommentStatement':
        return;
      case 'MustacheStatement':
        return this.mustache(node as hbs.AST.MustacheStatement, scopes);
      case 'BlockStatement':
        return this.block(node as hbs.AST.BlockStatement, scopes);
      case 'PartialStatement':
      case 'PartialBlockStatement':
        return this.partial(
          node as hbs.AST.PartialStatement | hbs.AST.PartialBlockStatement,
          scopes,
        );
      case 'Decorator':
      case 'DecoratorBlock':
        return this.report(node, 'decorators and inline partials ({{* …}}) are not supported');
      default:
        return this.report(node, `unsupported ${node.type}`);
    }
  }

  private mustache(node: hbs.AST.MustacheStatement, scopes: Scope[]) {
    const path = node.path as Expression;
    if (!node.escaped && !this.mayPrintUnescaped(node)) {
      this.report(
        node,
        this.field === 'html'
          ? 'triple braces {{{ }}} (or {{& }}) would insert data without HTML escaping; use {{ }} so customer data stays escaped'
          : `triple braces {{{ }}} are not needed: the ${this.field} is plain text and never HTML-escaped; use {{ }}`,
      );
    }
    if (path.type !== 'PathExpression') {
      this.report(path, 'expected a name or a helper here, not a literal value');
      return;
    }
    const hasArgs = node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0;
    if (hasArgs || (isSimple(path) && HELPERS[path.parts[0]] && !this.isBlockParam(path, scopes))) {
      this.call(node, 'inline', scopes);
    } else {
      this.path(path, scopes);
    }
  }

  private mayPrintUnescaped(node: hbs.AST.MustacheStatement) {
    const path = node.path as Expression;
    return (
      path.type === 'PathExpression' &&
      isSimple(path) &&
      node.params.length === 0 &&
      this.options.unescaped.includes(path.parts[0])
    );
  }

  private block(node: hbs.AST.BlockStatement, scopes: Scope[]) {
    const name = this.call(node, 'block', scopes);
    // each and with render their body with a new context; if and unless keep the current one.
    const changesContext = name === undefined || name === 'each' || name === 'with';
    const inner: Scope[] = changesContext
      ? [
          ...scopes,
          { kind: 'relative', loop: name === 'each', blockParams: node.program?.blockParams ?? [] },
        ]
      : scopes;
    if (!changesContext && (node.program?.blockParams?.length ?? 0) > 0) {
      this.report(node, `{{#${name}}} does not take block parameters (as |…|)`);
    }
    this.program(node.program, inner);
    this.program(node.inverse, scopes);
  }

  /** Checks a helper call; returns the helper's name when it is a known one. */
  private call(node: Call, kind: 'inline' | 'block' | 'sub', scopes: Scope[]): string | undefined {
    const path = node.path as Expression;
    const name = path.type === 'PathExpression' ? path.original : String(nodeValue(path));
    const spec = path.type === 'PathExpression' && isSimple(path) ? HELPERS[name] : undefined;
    let known: string | undefined;
    if (!spec) {
      const suggestion = closest(name, Object.keys(HELPERS));
      const what = kind === 'block' ? 'block helper' : 'helper';
      this.report(
        path,
        `unknown ${what} "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; helpers: ${Object.keys(HELPERS).join(', ')}`,
      );
    } else if (spec.block && kind !== 'block') {
      this.report(path, `"${name}" is a block helper: write ${spec.usage}`);
    } else if (!spec.block && kind === 'block') {
      this.report(path, `"${name}" is not a block helper: write ${spec.usage}`);
    } else {
      known = name;
      const count = node.params.length;
      if (count < spec.minArgs || count > spec.maxArgs) {
        const expected =
          spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : `${spec.minArgs} to ${spec.maxArgs}`;
        this.report(path, `"${name}" takes ${expected} argument(s), got ${count}: ${spec.usage}`);
      }
      if ((node.hash?.pairs.length ?? 0) > 0) {
        this.report(node.hash!, `"${name}" takes no named arguments (name=value)`);
      }
      if (name === 'lookup') this.lookupName(node.params[1]);
    }
    for (const param of node.params) this.expression(param as Expression, scopes);
    for (const pair of node.hash?.pairs ?? []) this.expression(pair.value as Expression, scopes);
    return known;
  }

  private lookupName(param: hbs.AST.Expression | undefined) {
    const value = param && nodeValue(param as Expression);
    if (typeof value === 'string' && isForbiddenName(value)) {
      this.report(param!, `"${value}" is not accessible from templates`);
    }
  }

  private expression(expr: Expression, scopes: Scope[]) {
    if (expr.type === 'PathExpression') this.path(expr, scopes);
    else if (expr.type === 'SubExpression') this.call(expr, 'sub', scopes);
  }

  private isBlockParam(path: hbs.AST.PathExpression, scopes: Scope[]) {
    return (
      !path.data &&
      path.depth === 0 &&
      !/^this\b/.test(path.original) &&
      scopes.some((scope) => scope.blockParams.includes(path.parts[0]))
    );
  }

  private path(path: hbs.AST.PathExpression, scopes: Scope[]) {
    const forbidden = path.parts.find(isForbiddenName);
    if (forbidden) {
      this.report(path, `"${forbidden}" is not accessible from templates`);
      return;
    }
    if (path.data) {
      const [head, ...rest] = path.parts;
      if (head === 'root') {
        if (rest.length > 0) this.rootName(path, rest[0]);
      } else if (!DATA_NAMES.includes(head)) {
        this.report(
          path,
          `unknown data variable "@${head}"; known: @root, @index, @first, @last, @key`,
        );
      } else if (!scopes.some((scope) => scope.loop)) {
        this.report(path, `"@${head}" is only defined inside {{#each}}`);
      }
      return;
    }
    if (this.isBlockParam(path, scopes)) return;
    const target = scopes.length - 1 - path.depth;
    if (target < 0) {
      this.report(path, `"${path.original}" climbs above the template's root with "../"`);
      return;
    }
    if (scopes[target].kind === 'root' && path.parts.length > 0) this.rootName(path, path.parts[0]);
  }

  private rootName(node: hbs.AST.Node, name: string) {
    if (this.options.roots.includes(name)) return;
    const suggestion = closest(name, this.options.roots);
    this.report(
      node,
      `unknown name "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; a template can use: ${this.options.roots.join(', ')}`,
    );
  }

  private partial(node: hbs.AST.PartialStatement | hbs.AST.PartialBlockStatement, scopes: Scope[]) {
    if (this.field !== 'html') {
      this.report(
        node,
        `partials are HTML: use {{> …}} in the html only, not in the ${this.field}`,
      );
      return;
    }
    if (node.type === 'PartialBlockStatement') {
      this.report(node, 'partial blocks ({{#> …}}) are not supported; use {{> name}}');
      return;
    }
    const nameNode = node.name as Expression;
    if (nameNode.type === 'SubExpression') {
      this.report(nameNode, 'dynamic partials ({{> (…)}}) are not supported; name the partial');
      return;
    }
    const name =
      nameNode.type === 'PathExpression' ? nameNode.original : String(nodeValue(nameNode));
    if (name === 'layout' && !this.options.partials.includes('layout')) {
      this.report(
        nameNode,
        'the layout is applied to every email automatically; do not include it',
      );
    } else if (!this.options.partials.includes(name)) {
      const suggestion = closest(name, this.options.partials);
      this.report(
        nameNode,
        `unknown partial "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; partials: ${this.options.partials.join(', ') || 'none'}`,
      );
    }
    for (const param of node.params) this.expression(param as Expression, scopes);
    for (const pair of node.hash?.pairs ?? []) this.expression(pair.value as Expression, scopes);
  }
}

/** A single name: `money`, not `this.money`, `../money`, `@money` or `a.money`. */
function isSimple(path: hbs.AST.PathExpression) {
  return (
    !path.data && path.depth === 0 && path.parts.length === 1 && !/^this\b/.test(path.original)
  );
}

function nodeValue(node: Expression): unknown {
  switch (node.type) {
    case 'StringLiteral':
    case 'NumberLiteral':
    case 'BooleanLiteral':
      return node.value;
    case 'NullLiteral':
      return null;
    case 'UndefinedLiteral':
      return undefined;
    case 'PathExpression':
      return node.original;
    case 'SubExpression':
      return '(…)';
  }
}

/** The candidate within two edits of `name`, if one is: "custmer" → "customer". */
function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}
