import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createTransport } from 'nodemailer';
import { MailTransport, OutgoingMail, SendResult, TransportError } from './mail-transport';
import { nodemailerMessage } from './message-headers';

/**
 * The embedded default when no SMTP server is configured: each message becomes an `.eml`
 * file named by its id, so the engine runs and can be inspected with no mail server. A
 * re-send overwrites the same file, so there are never two.
 */
export class FileOutboxTransport implements MailTransport {
  readonly name = 'outbox';
  private readonly builder = createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
  });
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  async send(mail: OutgoingMail): Promise<SendResult> {
    try {
      const info = await this.builder.sendMail(nodemailerMessage(mail));
      await mkdir(this.dir, { recursive: true });
      const file = join(this.dir, `${mail.id}.eml`);
      const temp = `${file}.tmp`;
      await writeFile(temp, info.message as Buffer);
      await rename(temp, file);
      return { providerMessageId: `file:${file}` };
    } catch (error) {
      throw new TransportError(`outbox: ${(error as Error).message}`, 'temporary');
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
