import fc from 'fast-check';
import MimeNode from 'nodemailer/lib/mime-node';
import { rememberHeaderKeys } from '../../../src/messaging/transport/remembered-header-keys';

type Normalize = ((key: unknown) => string) & { original?: (key: unknown) => string };
const normalizeOf = (node: MimeNode) =>
  (node as unknown as { _normalizeHeaderKey: Normalize })._normalizeHeaderKey;

describe('rememberHeaderKeys', () => {
  it("finds Nodemailer's header-name normalization and remembers it, once", () => {
    expect(rememberHeaderKeys()).toBe(true);
    expect(rememberHeaderKeys()).toBe(true);
    const normalize = normalizeOf(new MimeNode());
    expect(typeof normalize.original).toBe('function');
    expect(normalizeOf(new MimeNode()).original).toBe(normalize.original);
  });

  it('answers as Nodemailer does, for any name, the first time and again', () => {
    rememberHeaderKeys();
    const node = new MimeNode();
    const normalize = normalizeOf(node);
    const original = normalize.original!;
    const name = fc.oneof(
      fc.constantFrom(
        'content-type',
        'MIME-VERSION',
        'x-smtpapi',
        'dkim-signature',
        'List-Unsubscribe-Post',
        'message-id',
        'x-otp-token',
        'content-features',
        'From: ceo@example.com (',
      ),
      fc.string({
        unit: fc.constantFrom('a', 'Z', '-', ' ', ':', '\t', '\x00', '\x7f', 'é', 'i', 'd'),
      }),
      fc.string(),
    );
    fc.assert(
      fc.property(name, (key) => {
        const expected = original.call(node, key);
        expect(normalize.call(node, key)).toBe(expected);
        expect(normalize.call(node, key)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
    expect(normalize.call(node, undefined)).toBe(original.call(node, undefined));
    expect(normalize.call(node, 42)).toBe(original.call(node, 42));
  });
});
