import { FieldType, JsonField, TypedField } from './condition-fields';
import { CompareOp, PreparedLeaf, prepareLeafOrThrow } from './condition-leaf';
import { cutoffBefore, ISO_INSTANT_SOURCE } from './condition-values';
import { ConditionNode, isLeaf, Scalar } from './condition.types';

/*
 * Compiles a validated tree to a boolean SQL expression over `c` (customers) and `a` (accounts,
 * LEFT JOINed), with the semantics at the top of condition.types.ts. Only catalogue
 * expressions and fixed SQL are written into the text; every value, attribute name and cutoff
 * is a bound parameter. Each leaf is made NULL-free (COALESCE or CASE … ELSE false) so that
 * NOT over a missing value is true, as in memory.
 */

const SQL_OP: Record<CompareOp, string> = {
  eq: '=',
  neq: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
};

const CAST: Record<Exclude<FieldType, 'string[]'>, string> = {
  string: 'text',
  number: 'numeric',
  boolean: 'boolean',
  date: 'timestamptz',
};

// The pattern goes into SQL as a literal; it is ours and has neither quotes nor backslashes.
if (/['\\]/.test(ISO_INSTANT_SOURCE))
  throw new Error('ISO_INSTANT_SOURCE must stay SQL-literal safe');

/** Appends a parameter and returns its placeholder, cast so Postgres never has to guess. */
function bind(params: unknown[], value: unknown, cast: string): string {
  params.push(value);
  return `$${params.length}::${cast}`;
}

/**
 * A scalar as the driver should send it: numbers as their shortest decimal text (exactly the
 * double JS compares, as a numeric), dates (epoch ms) as ISO instants in UTC.
 */
function sqlValue(type: Exclude<FieldType, 'string[]'>, value: Scalar): unknown {
  if (type === 'date') return new Date(value as number).toISOString();
  if (type === 'number') return String(value);
  return value;
}

const notNull = (sql: string) => `COALESCE(${sql}, false)`;

function typedLeaf(leaf: PreparedLeaf, field: TypedField, now: Date, params: unknown[]): string {
  const { sql, type } = field;
  if (!sql || type === 'string[]')
    throw new Error(`\`${field.name}\` exists only in memory and cannot be compiled to SQL`);
  if (leaf.test === 'exists') return `(${sql} IS ${leaf.expected ? 'NOT ' : ''}NULL)`;
  // A JS Date holds milliseconds; truncating here makes SQL see the instant JS sees.
  const column = type === 'date' ? `date_trunc('milliseconds', ${sql})` : sql;
  switch (leaf.test) {
    case 'compare': {
      // Code-point order for strings; equality is byte equality under any deterministic collation.
      const ordered = type === 'string' && leaf.op !== 'eq' && leaf.op !== 'neq';
      const left = ordered ? `${column} COLLATE "C"` : column;
      const right = bind(params, sqlValue(type, leaf.value), CAST[type]);
      return notNull(`${left} ${SQL_OP[leaf.op]} ${right}`);
    }
    case 'list': {
      const list = bind(
        params,
        leaf.values.map((v) => sqlValue(type, v)),
        `${CAST[type]}[]`,
      );
      return notNull(leaf.op === 'in' ? `${column} = ANY(${list})` : `${column} <> ALL(${list})`);
    }
    case 'contains':
      return notNull(`strpos(${column}, ${bind(params, leaf.value, 'text')}) > 0`);
    case 'age': {
      const cutoff = bind(params, cutoffBefore(now, leaf.duration).toISOString(), 'timestamptz');
      return notNull(`${column} ${leaf.op === 'olderThan' ? '<' : '>'} ${cutoff}`);
    }
  }
}

/**
 * A JSON string attribute as an instant, only once it has passed the same pattern and calendar
 * check as parseIsoInstant: a cast that fails would fail the whole audience query.
 */
function jsonInstant(text: string, compare: (instant: string) => string): string {
  const daysInMonth = `date_part('day', make_date(substr(${text}, 1, 4)::int, substr(${text}, 6, 2)::int, 1) + interval '1 month - 1 day')`;
  // A bare date is midnight UTC, as in JS, not midnight in the session's zone.
  const instant = `date_trunc('milliseconds', (CASE WHEN length(${text}) = 10 THEN ${text} || 'T00:00:00Z' ELSE ${text} END)::timestamptz)`;
  return (
    `CASE WHEN ${text} ~ '${ISO_INSTANT_SOURCE}' THEN ` +
    `CASE WHEN substr(${text}, 9, 2)::int <= ${daysInMonth} THEN ${compare(instant)} ELSE false END ` +
    `ELSE false END`
  );
}

function jsonLeaf(leaf: PreparedLeaf, field: JsonField, now: Date, params: unknown[]): string {
  if (!field.column)
    throw new Error(`\`${field.name}\` exists only in memory and cannot be compiled to SQL`);
  const key = bind(params, field.key, 'text');
  const json = `(${field.column} -> ${key})`;
  const text = `(${field.column} ->> ${key})`;
  const present = `jsonb_typeof(${json}) <> 'null'`;
  const jsonParam = (value: unknown) => bind(params, JSON.stringify(value), 'jsonb');
  switch (leaf.test) {
    case 'exists':
      return leaf.expected ? notNull(present) : `(NOT ${notNull(present)})`;
    case 'compare': {
      if (leaf.op === 'eq') return notNull(`${json} = ${jsonParam(leaf.value)}`);
      if (leaf.op === 'neq') return notNull(`${present} AND ${json} <> ${jsonParam(leaf.value)}`);
      const op = SQL_OP[leaf.op];
      // CASE, not AND: Postgres does not promise to test the type before the cast.
      if (typeof leaf.value === 'number')
        return `(CASE WHEN jsonb_typeof(${json}) = 'number' THEN ${json}::numeric ${op} ${bind(params, String(leaf.value), 'numeric')} ELSE false END)`;
      return `(CASE WHEN jsonb_typeof(${json}) = 'string' THEN ${text} COLLATE "C" ${op} ${bind(params, leaf.value, 'text')} ELSE false END)`;
    }
    case 'list': {
      const list = bind(
        params,
        leaf.values.map((v) => JSON.stringify(v)),
        'jsonb[]',
      );
      return notNull(
        leaf.op === 'in' ? `${json} = ANY(${list})` : `${present} AND ${json} <> ALL(${list})`,
      );
    }
    case 'contains': {
      // An array contains a scalar when one of its elements equals it (jsonb `@>` on [value]).
      const inArray = `WHEN 'array' THEN ${json} @> ${jsonParam([leaf.value])}`;
      const inString =
        typeof leaf.value === 'string'
          ? `WHEN 'string' THEN strpos(${text}, ${bind(params, leaf.value, 'text')}) > 0 `
          : '';
      return `(CASE jsonb_typeof(${json}) ${inString}${inArray} ELSE false END)`;
    }
    case 'age': {
      const cutoff = bind(params, cutoffBefore(now, leaf.duration).toISOString(), 'timestamptz');
      const op = leaf.op === 'olderThan' ? '<' : '>';
      return `(CASE WHEN jsonb_typeof(${json}) = 'string' THEN ${jsonInstant(text, (at) => `${at} ${op} ${cutoff}`)} ELSE false END)`;
    }
  }
}

/**
 * A validated tree as a boolean SQL expression over `c` and `a`. Parameters are appended to
 * `params`, so a caller's own `$1..$k` can come first. `now` fixes olderThan/newerThan
 * cutoffs. Throws on `event.*`/`order.*` fields, which have no table (validation refuses them
 * for audiences).
 */
export function conditionToSql(node: ConditionNode, now: Date, params: unknown[]): string {
  if ('all' in node)
    return node.all.length === 0
      ? 'TRUE'
      : `(${node.all.map((child) => conditionToSql(child, now, params)).join(' AND ')})`;
  if ('any' in node)
    return node.any.length === 0
      ? 'FALSE'
      : `(${node.any.map((child) => conditionToSql(child, now, params)).join(' OR ')})`;
  if ('not' in node) return `(NOT ${conditionToSql(node.not, now, params)})`;
  if (!isLeaf(node)) throw new Error('not a condition node');
  const leaf = prepareLeafOrThrow(node);
  return leaf.field.kind === 'json'
    ? jsonLeaf(leaf, leaf.field, now, params)
    : typedLeaf(leaf, leaf.field, now, params);
}
