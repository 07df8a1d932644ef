import { TransportError } from './mail-transport';

/** Words of a throttling reply; greylisting ("try again later") is an ordinary 4xx retry. */
const RATE_LIMIT_HINT = /\b(rate[ -]?limit\w*|too many|throttl\w*|slow down)\b/i;

/**
 * Sorts a Nodemailer error into temporary (retry with backoff), permanent (fail now) or
 * rate-limited (slow the whole queue down, do not burn an attempt).
 * - no SMTP reply (connection refused, timeout, TLS): temporary;
 * - 421 and 4.7.x/451/452 replies that say "rate" or "too many": rate-limited;
 * - other 4xx: temporary; 5xx: permanent.
 */
export function classifySmtpError(error: unknown): TransportError {
  const e = error as { message?: string; responseCode?: number; response?: string; code?: string };
  const message = e.response ?? e.message ?? String(error);
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const enhanced = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(message)?.[1];
  if (code === undefined) return new TransportError(message, 'temporary', undefined, enhanced);
  if (code >= 500) return new TransportError(message, 'permanent', code, enhanced);
  if (code >= 400) {
    const throttlingCode =
      code === 421 ||
      code === 450 ||
      code === 451 ||
      code === 452 ||
      !!enhanced?.startsWith('4.7.');
    const rateLimited = throttlingCode && RATE_LIMIT_HINT.test(message);
    return new TransportError(message, rateLimited ? 'rate_limited' : 'temporary', code, enhanced);
  }
  return new TransportError(message, 'temporary', code, enhanced);
}
