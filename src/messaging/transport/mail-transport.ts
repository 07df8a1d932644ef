/** An email ready for the wire: rendered, addressed, with its headers decided. */
export interface OutgoingMail {
  /** Our message id; the `Message-ID` header is derived from it, so a retry keeps it. */
  id: string;
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** For marketing: the unsubscribe URL for `List-Unsubscribe` (RFC 2369/8058). */
  unsubscribeUrl?: string;
}

export interface SendResult {
  /** The provider's id for the message (SMTP: the queue id in the 250 reply; outbox: the file). */
  providerMessageId: string;
}

/** One outside system that delivers mail: the SMTP pool or the file outbox. */
export interface MailTransport {
  readonly name: string;
  send(mail: OutgoingMail): Promise<SendResult>;
  close(): Promise<void>;
}

export const MAIL_TRANSPORT = Symbol('MAIL_TRANSPORT');

export type FailureKind = 'temporary' | 'permanent' | 'rate_limited';

/** A send that did not work, classified so the worker knows whether to retry. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly responseCode?: number,
    /** The enhanced status code (RFC 3463), e.g. `5.1.1`. */
    readonly enhancedCode?: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }

  /** 5.1.x: the address itself is bad (no such user, bad domain): never try it again. */
  get recipientRejected(): boolean {
    return this.kind === 'permanent' && (this.enhancedCode?.startsWith('5.1.') ?? false);
  }
}
