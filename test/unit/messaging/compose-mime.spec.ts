import fc from 'fast-check';
import type { SendMailOptions } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import PostalMime from 'postal-mime';
import { composeMime } from '../../../src/messaging/transport/compose-mime';
import { nodemailerMessage } from '../../../src/messaging/transport/message-headers';

/** What Nodemailer itself builds from the same options, through its streams. */
function nodemailerBuild(options: SendMailOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    new MailComposer(options)
      .compile()
      .build((error, message) => (error ? reject(error) : resolve(message))),
  );
}

/** Boundaries are random per message; everything else must be byte for byte the same. */
const withoutBoundaries = (raw: Buffer) =>
  raw.toString('utf8').replace(/--_NmP-[0-9a-f]+-Part_\d+/g, '<boundary>');

const DATE = new Date('2026-03-29T00:59:30Z');

const mail = (overrides: Partial<Parameters<typeof nodemailerMessage>[0]> = {}) =>
  nodemailerMessage({
    id: '0194c6e2-7b1e-7c3a-9a51-3f0e5d1c2b4a',
    from: 'Retention Mix Shop <shop@example.com>',
    to: 'grace@example.com',
    subject: 'Your 20 % off — just for you',
    html: '<p>Hello Grace, here is <b>SPRING-AB12CD</b>.</p>',
    text: 'Hello Grace, here is SPRING-AB12CD.\n',
    unsubscribeUrl: 'https://shop.example.com/u/abc.def',
    ...overrides,
  });

describe('composeMime', () => {
  it('gives the bytes Nodemailer builds, for one of our promotions', async () => {
    const options = { ...mail(), date: DATE };
    const composed = await composeMime(options);
    expect(withoutBoundaries(composed.raw)).toBe(withoutBoundaries(await nodemailerBuild(options)));
    expect(composed.envelope).toEqual({ from: 'shop@example.com', to: ['grace@example.com'] });
    expect(composed.messageId).toBe('<0194c6e2-7b1e-7c3a-9a51-3f0e5d1c2b4a@example.com>');
  });

  it('reads back as the message that was asked for', async () => {
    const composed = await composeMime(
      mail({ subject: 'Ünïcödé 🎉 offer', from: 'Café Müller <café@example.com>' }),
    );
    const parsed = await PostalMime.parse(composed.raw);
    expect(parsed.subject).toBe('Ünïcödé 🎉 offer');
    expect(parsed.from).toMatchObject({ name: 'Café Müller' });
    expect(parsed.to?.[0]).toMatchObject({ address: 'grace@example.com' });
    expect(parsed.html).toContain('<b>SPRING-AB12CD</b>');
    expect(parsed.text?.trimEnd()).toBe('Hello Grace, here is SPRING-AB12CD.');
    expect(parsed.messageId).toBe('<0194c6e2-7b1e-7c3a-9a51-3f0e5d1c2b4a@example.com>');
    const header = (key: string) => parsed.headers.find((h) => h.key === key)?.value;
    expect(header('list-unsubscribe')).toBe('<https://shop.example.com/u/abc.def>');
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
  });

  it('gives the bytes Nodemailer builds, whatever the text (long lines, trailing spaces, dots, CR and LF, any script)', async () => {
    const piece = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.constantFrom(' ', '\t', '\n', '\r\n', '\r', '.', '\n.\n', '=', '=3D', 'From ', '€', '🎉'),
      fc.string({ unit: fc.constantFrom('a', 'é', ' ', '-'), minLength: 70, maxLength: 200 }),
    );
    const body = fc.array(piece, { maxLength: 30 }).map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          subject: fc.string({ unit: 'grapheme', maxLength: 120 }),
          name: fc.string({ unit: 'grapheme', maxLength: 30 }),
          html: body,
          text: body,
          marketing: fc.boolean(),
        }),
        async ({ subject, name, html, text, marketing }) => {
          const options = {
            ...mail({
              subject,
              html,
              text,
              unsubscribeUrl: marketing ? 'https://shop.example.com/u/t' : undefined,
            }),
            from: { name, address: 'shop@example.com' },
            date: DATE,
          };
          const ours = withoutBoundaries((await composeMime(options)).raw);
          expect(ours).toBe(withoutBoundaries(await nodemailerBuild(options)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the bytes Nodemailer builds when it picks Base64 (text that is mostly not ASCII)', async () => {
    const options = {
      ...mail({ subject: 'Ваша скидка', html: `<p>${'Здравствуйте, Грейс! '.repeat(30)}</p>` }),
      date: DATE,
    };
    const ours = withoutBoundaries((await composeMime(options)).raw);
    expect(ours).toContain('Content-Transfer-Encoding: base64');
    expect(ours).toBe(withoutBoundaries(await nodemailerBuild(options)));
  });

  it('gives the bytes Nodemailer builds for what it does not assemble itself (an attachment, a part over 64 KB)', async () => {
    for (const options of [
      { ...mail(), attachments: [{ filename: 'a.txt', content: Buffer.from('x') }], date: DATE },
      { ...mail({ html: `<p>${'é '.repeat(40_000)}</p>` }), date: DATE },
    ]) {
      const ours = withoutBoundaries((await composeMime(options)).raw);
      expect(ours).toBe(withoutBoundaries(await nodemailerBuild(options)));
    }
  });
});
