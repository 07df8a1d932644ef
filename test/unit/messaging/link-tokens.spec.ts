import { signToken, verifyToken } from '../../../src/common/auth/link-tokens';
import { senderDomain } from '../../../src/messaging/transport/message-headers';

const SECRET = 's'.repeat(40);

describe('signed link tokens', () => {
  it('verifies its own token for the same purpose and gives the subject back', () => {
    const token = signToken(SECRET, 'unsubscribe', '42');
    expect(verifyToken(SECRET, 'unsubscribe', token)).toBe('42');
  });

  it('refuses a token for another purpose, another secret, or with a changed character', () => {
    const token = signToken(SECRET, 'unsubscribe', '42');
    expect(verifyToken(SECRET, 'check-in', token)).toBeNull();
    expect(verifyToken('t'.repeat(40), 'unsubscribe', token)).toBeNull();
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expect(verifyToken(SECRET, 'unsubscribe', token.slice(0, -1) + last)).toBeNull();
    const forgedPayload =
      Buffer.from('unsubscribe.43').toString('base64url') + token.slice(token.indexOf('.'));
    expect(verifyToken(SECRET, 'unsubscribe', forgedPayload)).toBeNull();
  });

  it('refuses malformed input without throwing', () => {
    for (const bad of ['', '.', 'abc', 'a.b.c', '%%%.%%%', 'x'.repeat(600)]) {
      expect(verifyToken(SECRET, 'unsubscribe', bad)).toBeNull();
    }
  });
});

describe('senderDomain', () => {
  it('takes the domain of the sender address for Message-ID', () => {
    expect(senderDomain('Shop <hello@Shop.Example.com>')).toBe('shop.example.com');
    expect(senderDomain('hello@example.org')).toBe('example.org');
    expect(senderDomain('no address')).toBe('localhost');
  });
});
