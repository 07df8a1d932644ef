import { z } from 'zod';
import { signToken, verifyToken } from '../../common/auth/link-tokens';
import type { CheckInContext } from '../../messaging/templates/template-context';

/** The purpose signed into check-in tokens; the subject is the check-in's id. */
export const CHECK_IN_PURPOSE = 'check-in';

export type CheckInLinks = Pick<CheckInContext, 'url' | 'goodUrl' | 'problemUrl'>;

/**
 * The links of a check-in email. The token is signed from the check-in's id, so nothing
 * secret is stored and a link cannot be made for someone else's check-in. The one-click
 * links only preselect an answer on the page: mail scanners follow GET links, so only the
 * page's POST records an answer.
 */
export function checkInLinks(
  publicBaseUrl: string,
  secret: string,
  checkInId: string,
): CheckInLinks {
  const url = `${publicBaseUrl.replace(/\/+$/, '')}/c/${signToken(secret, CHECK_IN_PURPOSE, checkInId)}`;
  return { url, goodUrl: `${url}?answer=good`, problemUrl: `${url}?answer=problem` };
}

/** The check-in a token was made for, or null for a forged, truncated or re-purposed token. */
export function checkInIdOf(secret: string, token: string): string | null {
  const subject = verifyToken(secret, CHECK_IN_PURPOSE, token);
  return subject !== null && z.uuid().safeParse(subject).success ? subject : null;
}
