import MimeNode from 'nodemailer/lib/mime-node';

type Normalize = (this: MimeNode, key: unknown) => string;

/** The header names Nodemailer has normalized, and what it made of each. */
const normalized = new Map<string, string>();
/** Names are a small set (ours and Nodemailer's); the bound only guards against surprises. */
const MAX_NAMES = 1_000;

/**
 * Makes Nodemailer remember how it normalizes a header name.
 *
 * Every MimeNode puts a header name through `_normalizeHeaderKey` (three regular-expression
 * replacements) each time a header is set, added or looked up: dozens of times per message
 * for a handful of names (From, To, Content-Type, …). Remembered, composing the delivery
 * benchmark's promotion took 177 instead of 220 µs per message (4,000 of them composed in a
 * loop). The function is pure (a name in, a name out), so remembering its answers
 * changes no byte; a test checks it against the original on random names.
 *
 * It replaces a method Nodemailer marks internal: if a release renames it, nothing is
 * replaced and the test that looks for it fails, so the upgrade notices.
 */
export function rememberHeaderKeys(): boolean {
  const proto = MimeNode.prototype as unknown as { _normalizeHeaderKey?: Normalize };
  const original = proto._normalizeHeaderKey;
  if (typeof original !== 'function' || (original as { remembered?: boolean }).remembered) {
    return typeof original === 'function';
  }
  const remembering: Normalize = function (this: MimeNode, key: unknown) {
    if (typeof key !== 'string') return original.call(this, key);
    let name = normalized.get(key);
    if (name === undefined) {
      name = original.call(this, key);
      if (normalized.size < MAX_NAMES) normalized.set(key, name);
    }
    return name;
  };
  Object.assign(remembering, { remembered: true, original });
  proto._normalizeHeaderKey = remembering;
  return true;
}
