import { randomInt } from 'node:crypto';

/**
 * Uppercase letters and digits a customer cannot mistake for one another when reading a
 * code aloud or typing it from a screenshot: no 0/O, no 1/I/L. 31 symbols.
 */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** 31^8 ≈ 8.5 · 10^11 codes per prefix: collisions are rare, and retried when they happen. */
export const CODE_LENGTH = 8;

const SUFFIX = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);

/**
 * A fresh personal code: `${prefix}-` and 8 symbols drawn uniformly (crypto `randomInt`, no
 * modulo bias) from the unambiguous alphabet, so codes cannot be guessed from one another.
 */
export function generateCode(prefix: string, random: (max: number) => number = randomInt): string {
  let suffix = '';
  for (let i = 0; i < CODE_LENGTH; i++) suffix += CODE_ALPHABET[random(CODE_ALPHABET.length)];
  return `${prefix}-${suffix}`;
}

/** `count` distinct fresh codes. */
export function generateCodes(prefix: string, count: number): string[] {
  const codes = new Set<string>();
  while (codes.size < count) codes.add(generateCode(prefix));
  return [...codes];
}

/** Whether `code` has the form this module gives out (prefix, dash, 8 unambiguous symbols). */
export function isWellFormedCode(code: string): boolean {
  const dash = code.lastIndexOf('-');
  return (
    dash > 0 && /^[A-Z0-9]{1,12}$/.test(code.slice(0, dash)) && SUFFIX.test(code.slice(dash + 1))
  );
}

/** A coupon code as a shop may send it: surrounding spaces and lower case do not matter. */
export function normalizeCode(code: string): string {
  return code.trim().toUpperCase();
}
