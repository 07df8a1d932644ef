import { AppConfig } from '../../config/app-config';
import { FileOutboxTransport } from './file-outbox.transport';
import { MailTransport } from './mail-transport';
import { SmtpTransport } from './smtp.transport';

/** SMTP when SMTP_URL is set; otherwise the file outbox, which sends nothing by accident. */
export function createMailTransport(config: AppConfig): MailTransport {
  return config.mail.smtpUrl
    ? new SmtpTransport(config.mail.smtpUrl, config.mail.smtpPoolSize)
    : new FileOutboxTransport(config.mail.outboxDir);
}
