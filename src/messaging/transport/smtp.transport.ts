import { createTransport } from 'nodemailer';
import { classifySmtpError } from './classify-smtp-error';
import { composeMime } from './compose-mime';
import { MailTransport, OutgoingMail, SendResult, TransportError } from './mail-transport';
import { nodemailerMessage } from './message-headers';
import { rememberHeaderKeys } from './remembered-header-keys';

/** Pooled SMTP: a few long-lived connections shared by every send of the process. */
export class SmtpTransport implements MailTransport {
  readonly name = 'smtp';
  private readonly transporter: ReturnType<typeof createTransport>;

  constructor(url: string, poolSize: number) {
    rememberHeaderKeys();
    this.transporter = createTransport({
      pool: true,
      url,
      maxConnections: poolSize,
      maxMessages: Infinity,
      // Fail a hung server in bounded time; the job retries.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async send(mail: OutgoingMail): Promise<SendResult> {
    try {
      // Composed here in one pass and handed over as is (see composeMime): the same bytes
      // Nodemailer would build, without its chain of streams.
      const { raw, envelope, messageId } = await composeMime(nodemailerMessage(mail));
      // With its Message-ID given, Nodemailer does not draw a random one for a raw message.
      const info = await this.transporter.sendMail({ envelope, raw, messageId });
      const rejected = (info as { rejected?: unknown[] }).rejected ?? [];
      if (rejected.length > 0) {
        throw new TransportError(
          `recipient rejected: ${String(info.response)}`,
          'permanent',
          550,
          '5.1.1',
        );
      }
      const queued = /queued as\s+([^\s]+)/i.exec(String(info.response))?.[1];
      return { providerMessageId: queued ?? messageId };
    } catch (error) {
      if (error instanceof TransportError) throw error;
      throw classifySmtpError(error);
    }
  }

  close(): Promise<void> {
    this.transporter.close();
    return Promise.resolve();
  }
}
