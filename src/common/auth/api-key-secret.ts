import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Keys are long random strings, so a plain SHA-256 is enough: there is nothing to brute-force. */
export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export const generateKey = () => `rmx_${randomBytes(32).toString('base64url')}`;

export const keyPrefix = (key: string) => key.slice(0, 12);

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
