import { classifySmtpError } from '../../../src/messaging/transport/classify-smtp-error';

const smtp = (responseCode: number, response: string) =>
  Object.assign(new Error(response), { responseCode, response });

describe('classifySmtpError', () => {
  it('treats a failure without an SMTP reply (refused, timeout) as temporary', () => {
    const error = classifySmtpError(
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNECTION' }),
    );
    expect(error.kind).toBe('temporary');
    expect(error.responseCode).toBeUndefined();
  });

  it('fails at once on 5xx and marks 5.1.x as a rejected recipient', () => {
    const noUser = classifySmtpError(smtp(550, '550 5.1.1 <x@example.com>: no such user'));
    expect(noUser).toMatchObject({ kind: 'permanent', responseCode: 550, enhancedCode: '5.1.1' });
    expect(noUser.recipientRejected).toBe(true);
    const tooBig = classifySmtpError(smtp(552, '552 5.3.4 message too big'));
    expect(tooBig.kind).toBe('permanent');
    expect(tooBig.recipientRejected).toBe(false);
  });

  it('reads a throttling 4xx as a rate limit', () => {
    expect(classifySmtpError(smtp(421, '421 4.7.0 Too many messages, slow down')).kind).toBe(
      'rate_limited',
    );
    expect(classifySmtpError(smtp(450, '450 4.7.1 Rate limit exceeded')).kind).toBe('rate_limited');
    expect(classifySmtpError(smtp(451, '451 4.7.1 throttled, come back later')).kind).toBe(
      'rate_limited',
    );
  });

  it('keeps other 4xx as ordinary temporary failures (greylisting, words that merely contain "rate")', () => {
    expect(classifySmtpError(smtp(451, '451 4.7.1 Greylisted, try again later')).kind).toBe(
      'temporary',
    );
    expect(classifySmtpError(smtp(450, '450 cannot generate a reply')).kind).toBe('temporary');
    expect(classifySmtpError(smtp(452, '452 4.3.1 insufficient system storage')).kind).toBe(
      'temporary',
    );
  });
});
