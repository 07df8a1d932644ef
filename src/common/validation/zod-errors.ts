import type { z } from 'zod';
import { FieldError } from '../problem/problem';

/** `['items', 0, 'sku']` → `items[0].sku`; the root is `(body)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(body)' : out;
}

/** Zod issues as API field errors; an unknown key becomes one error naming that key. */
export function toFieldErrors(
  error: z.ZodError,
  prefix: readonly PropertyKey[] = [],
): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({ path: formatPath([...path, key]), message: 'unknown field' });
    } else if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
      // Zod only fills `issue.input` when asked to; its message says what it received.
      out.push({ path: formatPath(path), message: 'is required' });
    } else {
      out.push({ path: formatPath(path), message: issue.message });
    }
  }
  return out;
}
