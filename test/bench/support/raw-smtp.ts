import { createTransport, SendMailOptions } from 'nodemailer';
import type { AppConfig } from '../../../src/config/app-config';
import type { OutgoingMail } from '../../../src/messaging/transport/mail-transport';
import { loadCompiled, PROMOTION_TEMPLATE, promotionContext } from './message-mix';

/**
 * The SMTP ceiling of the delivery benchmark: Nodemailer's pool sending from this process,
 * with nothing else in the way (no queue, no database), the messages built as the service
 * builds them (its rendered promotion, its `nodemailerMessage` options).
 */

type HandlebarsEnvModule = typeof import('../../../src/messaging/templates/handlebars-env');
type DefaultsModule = typeof import('../../../src/messaging/templates/default-templates.loader');
type RendererModule = typeof import('../../../src/messaging/templates/template-renderer');
type StoreModule = typeof import('../../../src/messaging/templates/template-store');
type HeadersModule = typeof import('../../../src/messaging/transport/message-headers');
type TokensModule = typeof import('../../../src/common/auth/link-tokens');

/**
 * One promotion rendered by the compiled TemplateRenderer with the shipped default template
 * (no database: the template comes from templates/), in the context the worker gives it.
 */
export async function renderSampleMail(root: string, config: AppConfig, to: string) {
  const { TemplateEnvironment } = await loadCompiled<HandlebarsEnvModule>(
    root,
    'messaging/templates/handlebars-env',
  );
  const { readDefaultTemplates } = await loadCompiled<DefaultsModule>(
    root,
    'messaging/templates/default-templates.loader',
  );
  const { TemplateRenderer } = await loadCompiled<RendererModule>(
    root,
    'messaging/templates/template-renderer',
  );
  const { signToken } = await loadCompiled<TokensModule>(root, 'common/auth/link-tokens');
  const env = new TemplateEnvironment();
  const template = readDefaultTemplates(env).find((t) => t.key === PROMOTION_TEMPLATE);
  if (!template) throw new Error(`no default template ${PROMOTION_TEMPLATE}`);
  const stored = {
    ...template,
    version: 1,
    text: null,
    createdBy: 'default',
    createdAt: new Date(),
  };
  const store = {
    latestVersion: () => Promise.resolve(1),
    find: () => Promise.resolve(stored),
  } as unknown as InstanceType<StoreModule['TemplateStore']>;
  const renderer = new TemplateRenderer(store, env, config);
  const unsubscribeUrl = `${config.publicBaseUrl}/u/${signToken(config.tokenSecret, 'unsubscribe', '4242')}`;
  const context = {
    company: config.company,
    customer: {
      id: 'bench-4242',
      email: to,
      firstName: 'Grace',
      lastName: 'Bench',
      locale: 'en',
      timezone: 'Europe/Paris',
      attributes: {},
      ordersCount: 3,
      totalSpent: 250,
      lastOrderAt: new Date().toISOString(),
    },
    unsubscribeUrl,
    preferencesUrl: unsubscribeUrl,
    ...promotionContext(4242),
  };
  const rendered = await renderer.render(PROMOTION_TEMPLATE, context);
  return { ...rendered, unsubscribeUrl };
}

/** Message options for the n-th raw message: the sample, with an id and address of its own. */
export async function rawMessageBuilder(
  root: string,
  config: AppConfig,
  recipients: string[],
): Promise<{ build: (n: number) => SendMailOptions; messageId: (n: number) => string }> {
  const { nodemailerMessage, senderDomain } = await loadCompiled<HeadersModule>(
    root,
    'messaging/transport/message-headers',
  );
  const sample = await renderSampleMail(root, config, recipients[0]);
  const id = (n: number) => `raw-${n.toString().padStart(8, '0')}`;
  return {
    build: (n) => {
      const mail: OutgoingMail = {
        id: id(n),
        from: config.mail.from,
        to: recipients[n % recipients.length],
        subject: sample.subject,
        html: sample.html,
        text: sample.text,
        unsubscribeUrl: sample.unsubscribeUrl,
      };
      return nodemailerMessage(mail);
    },
    messageId: (n) => `<${id(n)}@${senderDomain(config.mail.from)}>`,
  };
}

export interface RawSendResult {
  sent: number;
  errors: number;
  firstError?: string;
  wallMs: number;
}

/** A pooled Nodemailer transport as SmtpTransport configures it, for `rawSend`. */
export function rawTransport(host: string, port: number, poolSize: number) {
  return createTransport({
    pool: true,
    host,
    port,
    secure: false,
    ignoreTLS: true,
    maxConnections: poolSize,
    maxMessages: Infinity,
  });
}

/** Sends messages `from`…`to - 1` with `concurrency` sendMail calls in flight. */
export async function rawSend(
  transport: ReturnType<typeof rawTransport>,
  build: (n: number) => SendMailOptions,
  range: { from: number; to: number },
  concurrency: number,
): Promise<RawSendResult> {
  let next = range.from;
  let sent = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < range.to) {
        const n = next++;
        try {
          await transport.sendMail(build(n));
          sent++;
        } catch (error) {
          errors++;
          firstError ??= (error as Error).message;
          if (errors >= 20) next = range.to; // the figure is void anyway
        }
      }
    }),
  );
  return { sent, errors, firstError, wallMs: performance.now() - started };
}
