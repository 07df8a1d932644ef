import type { OutgoingMail } from './mail-transport';

/** The domain of the sender address, for Message-ID; `localhost` when there is none. */
export function senderDomain(from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  const domain = address.split('@')[1]?.trim().toLowerCase();
  return domain && /^[a-z0-9.-]+$/.test(domain) ? domain : 'localhost';
}

/** Nodemailer message options shared by every transport. */
export function nodemailerMessage(mail: OutgoingMail) {
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    html: mail.html,
    text: mail.text,
    // Stable per message: a retry or a re-send after a crash carries the same id, which lets
    // receiving systems drop the duplicate.
    messageId: `<${mail.id}@${senderDomain(mail.from)}>`,
    headers: mail.unsubscribeUrl
      ? {
          'List-Unsubscribe': `<${mail.unsubscribeUrl}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        }
      : undefined,
  };
}
