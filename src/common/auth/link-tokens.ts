import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed, unguessable tokens for links in emails (unsubscribe, check-in answers): the
 * payload says what the link is for and about whom; an HMAC with TOKEN_SECRET proves we
 * made it. Nothing is stored. A forged, truncated or re-purposed token verifies to null.
 */
const SIGNATURE_BYTES = 18;

const sign = (secret: string, payload: string) =>
  createHmac('sha256', secret).update(payload).digest().subarray(0, SIGNATURE_BYTES);

export function signToken(secret: string, purpose: string, subject: string): string {
  const payload = `${purpose}.${subject}`;
  return `${Buffer.from(payload).toString('base64url')}.${sign(secret, payload).toString('base64url')}`;
}

/** The subject the token was made for, or null when it is not one of ours for `purpose`. */
export function verifyToken(secret: string, purpose: string, token: string): string | null {
  if (typeof token !== 'string' || token.length > 512) return null;
  const parts = token.split('.');
  if (
    parts.length !== 2 ||
    !/^[A-Za-z0-9_-]+$/.test(parts[0]) ||
    !/^[A-Za-z0-9_-]+$/.test(parts[1])
  ) {
    return null;
  }
  const payload = Buffer.from(parts[0], 'base64url').toString();
  const given = Buffer.from(parts[1], 'base64url');
  const expected = sign(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const prefix = `${purpose}.`;
  return payload.startsWith(prefix) && payload.length > prefix.length
    ? payload.slice(prefix.length)
    : null;
}
