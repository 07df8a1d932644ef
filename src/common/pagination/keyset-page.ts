import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { validationProblem } from '../problem/problem';
import { decodeCursor, encodeCursor } from './cursor';

/** Filters of a list query, as `$n` parameters: `add('m.status = ?', status)`. */
export class ListFilter {
  readonly where: string[] = [];
  readonly params: unknown[] = [];

  add(sql: string, value: unknown) {
    this.params.push(value);
    this.where.push(sql.replace('?', `$${this.params.length}`));
  }

  /** A condition with no parameter. */
  raw(sql: string) {
    this.where.push(sql);
  }
}

export interface KeysetSpec<Row, Item> {
  /** `SELECT … FROM …`, without WHERE. */
  select: string;
  /** The sort key, newest first: a timestamptz column and a uuid id column, e.g. `m.created_at`, `m.id`. */
  at: string;
  id: string;
  /** The sort key of a row, as the cursor carries it. */
  cursorOf(row: Row): { at: string; id: string };
  view(row: Row): Item;
}

/**
 * One page of a list, newest first, by keyset: `(at, id) < cursor`, one row more than asked
 * to know whether a next page exists. A cursor this API did not give out is a 422 naming it.
 */
export async function keysetPage<Row, Item>(
  q: Pick<EntityManager, 'query'>,
  filter: ListFilter,
  spec: KeysetSpec<Row, Item>,
  page: { cursor?: string; limit: number },
): Promise<{ items: Item[]; nextCursor: string | null }> {
  const { where, params } = filter;
  if (page.cursor) {
    const cursor = decodeCursor(page.cursor, 'cursor');
    if (!z.uuid().safeParse(cursor.id).success) {
      throw validationProblem([{ path: 'cursor', message: 'is not a cursor this API gave out' }]);
    }
    params.push(cursor.at, cursor.id);
    where.push(
      `(${spec.at}, ${spec.id}) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`,
    );
  }
  params.push(page.limit + 1);
  const rows = await q.query<Row[]>(
    `${spec.select} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${spec.at} DESC, ${spec.id} DESC LIMIT $${params.length}`,
    params,
  );
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return {
    items: items.map((row) => spec.view(row)),
    nextCursor: rows.length > page.limit && last ? encodeCursor(spec.cursorOf(last)) : null,
  };
}
