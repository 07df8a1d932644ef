import { validationProblem } from '../problem/problem';

/** An opaque keyset cursor: the sort key of the last row of a page. */
export interface Cursor {
  at: string;
  id: string;
}

export const encodeCursor = (cursor: Cursor) =>
  Buffer.from(JSON.stringify(cursor)).toString('base64url');

/** Decodes a cursor or throws a 422 naming the parameter. */
export function decodeCursor(value: string, path: string): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString()) as Partial<Cursor>;
    if (
      typeof parsed.at === 'string' &&
      !Number.isNaN(Date.parse(parsed.at)) &&
      typeof parsed.id === 'string'
    ) {
      return { at: parsed.at, id: parsed.id };
    }
  } catch {
    // fall through to the error below
  }
  throw validationProblem([{ path, message: 'is not a cursor this API gave out' }]);
}
