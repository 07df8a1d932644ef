import { randomBytes } from 'node:crypto';
import PostalMime from 'postal-mime';
import { SMTPServer, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { freePort } from './services';

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  headers: Record<string, string>;
  raw: string;
  /** The id the sink gave it in its `250 OK: queued as <id>` reply. */
  queueId: string;
}

/** One DATA the sink was offered, whatever it answered. */
export interface Offer {
  messageId: string;
  attempt: number;
  /** Epoch ms when the body had arrived. */
  at: number;
  /** 250, or the scripted error code. */
  code: number;
}

/** Decides the reply to one DATA (after the body arrived): undefined = 250 OK. */
export type Responder = (
  mail: ReceivedMail,
  attempt: number,
) => { code: number; message: string } | undefined;

/**
 * A real SMTP server for tests (smtp-server), that parses what it receives (postal-mime)
 * and can answer with scripted errors: 4xx to make the engine retry, 5xx to make it give up.
 */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  /** How many times each Message-ID was offered, accepted or not. */
  readonly attempts = new Map<string, number>();
  /** Every DATA offered, in order, with the reply it got. */
  readonly offers: Offer[] = [];
  /** Every RCPT TO address offered (lower case), accepted or rejected. */
  readonly recipientsOffered: string[] = [];
  /** Connection errors, e.g. ECONNRESET from a client killed mid-session. */
  readonly errors: Error[] = [];
  private responder: Responder | undefined;
  private readonly rejectRecipients = new Map<string, { code: number; message: string }>();
  private server!: SMTPServer;
  port = 0;

  static async start(): Promise<SmtpSink> {
    const sink = new SmtpSink();
    sink.port = await freePort();
    sink.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: 10 * 1024 * 1024,
      onRcptTo: (address, _session, callback) => {
        sink.recipientsOffered.push(address.address.toLowerCase());
        const reject = sink.rejectRecipients.get(address.address.toLowerCase());
        if (!reject) return callback();
        const error = new Error(reject.message) as Error & { responseCode: number };
        error.responseCode = reject.code;
        callback(error);
      },
      onData: (stream: SMTPServerDataStream, session: SMTPServerSession, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          void sink.accept(Buffer.concat(chunks), session).then(
            ({ reply, queueId }) => {
              if (!reply) return callback(null, `OK: queued as ${queueId}`);
              const error = new Error(reply.message) as Error & { responseCode: number };
              error.responseCode = reply.code;
              callback(error);
            },
            (error: Error) => callback(error),
          );
        });
      },
    });
    // A client that dies mid-session resets its socket; unheard, that error would crash the test.
    sink.server.on('error', (error: Error) => sink.errors.push(error));
    await new Promise<void>((resolve) => sink.server.listen(sink.port, '127.0.0.1', resolve));
    return sink;
  }

  get url() {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Scripts the reply to each DATA; pass undefined to accept everything again. */
  respondWith(responder: Responder | undefined) {
    this.responder = responder;
  }

  rejectRecipient(address: string, code: number, message: string) {
    this.rejectRecipients.set(address.toLowerCase(), { code, message });
  }

  to(address: string) {
    return this.received.filter((m) => m.to.includes(address.toLowerCase()));
  }

  /** Mail received (250) with this Message-ID header, e.g. `<uuid@domain>`. */
  withMessageId(messageId: string) {
    return this.received.filter((m) => m.messageId === messageId);
  }

  clear() {
    this.received.length = 0;
    this.attempts.clear();
    this.offers.length = 0;
    this.recipientsOffered.length = 0;
  }

  async stop() {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async accept(
    raw: Buffer,
    session: SMTPServerSession,
  ): Promise<{ reply: { code: number; message: string } | undefined; queueId: string }> {
    const parsed = await PostalMime.parse(raw);
    const headers: Record<string, string> = {};
    for (const header of parsed.headers) headers[header.key.toLowerCase()] = header.value;
    const mail: ReceivedMail = {
      to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
      from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
      subject: parsed.subject ?? '',
      html: parsed.html ?? '',
      text: parsed.text ?? '',
      messageId: parsed.messageId ?? '',
      headers,
      raw: raw.toString(),
      queueId: randomBytes(6).toString('hex'),
    };
    const attempt = (this.attempts.get(mail.messageId) ?? 0) + 1;
    this.attempts.set(mail.messageId, attempt);
    const reply = this.responder?.(mail, attempt);
    this.offers.push({
      messageId: mail.messageId,
      attempt,
      at: Date.now(),
      code: reply?.code ?? 250,
    });
    if (!reply) this.received.push(mail);
    return { reply, queueId: mail.queueId };
  }
}
