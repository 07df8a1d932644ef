import { signToken } from '../../../../src/common/auth/link-tokens';
import {
  CHECK_IN_PURPOSE,
  checkInIdOf,
  checkInLinks,
} from '../../../../src/mix/post-purchase/check-in-links';

const SECRET = 'a-test-secret-that-is-long-enough-000';
const ID = '6f1c2b9e-5d4a-4e8b-9a71-0c3d2e1f4a5b';

describe('check-in links', () => {
  const links = checkInLinks('https://mix.example.com/', SECRET, ID);
  const token = links.url.split('/c/')[1];

  it('points at /c/{token} under the public base URL; the one-click links preselect', () => {
    expect(links.url).toMatch(/^https:\/\/mix\.example\.com\/c\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(links.goodUrl).toBe(`${links.url}?answer=good`);
    expect(links.problemUrl).toBe(`${links.url}?answer=problem`);
  });

  it('carries a token that verifies back to the check-in', () => {
    expect(checkInIdOf(SECRET, token)).toBe(ID);
    expect(checkInLinks('https://mix.example.com', SECRET, ID)).toEqual(links);
  });

  it('is a different token for a different check-in', () => {
    const other = checkInLinks('https://mix.example.com', SECRET, ID.replace('6f', '7f'));
    expect(other.url).not.toBe(links.url);
  });

  it.each([
    ['signed with another secret', () => signToken(`${SECRET}x`, CHECK_IN_PURPOSE, ID)],
    ['made for unsubscribing', () => signToken(SECRET, 'unsubscribe', ID)],
    ['about something that is not a check-in id', () => signToken(SECRET, CHECK_IN_PURPOSE, '42')],
    ['truncated', () => token.slice(0, -2)],
    ['with its signature swapped', () => `${token.split('.')[0]}.${'A'.repeat(24)}`],
    ['empty', () => ''],
    ['garbage', () => '../../etc/passwd'],
  ])('refuses a token %s', (_, make) => {
    expect(checkInIdOf(SECRET, make())).toBeNull();
  });
});
