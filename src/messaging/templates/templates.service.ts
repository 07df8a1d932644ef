import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { notFound, validationProblem } from '../../common/problem/problem';
import { AccountsProductsService } from '../../customers/accounts-products.service';
import { CustomersService } from '../../customers/customers.service';
import { TemplateEnvironment } from './handlebars-env';
import { checkTemplate } from './template-check';
import { customerContext, sampleContext, TemplateContext } from './template-context';
import { TemplateNotFoundError, TemplateRenderer } from './template-renderer';
import { TemplateStore } from './template-store';
import { PreviewBody, TemplateBody } from './template.schemas';

/** Saving, reading and previewing templates; every save is a new immutable version. */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly store: TemplateStore,
    private readonly renderer: TemplateRenderer,
    private readonly customers: CustomersService,
    private readonly accounts: AccountsProductsService,
    @Inject(TemplateEnvironment) private readonly env: TemplateEnvironment,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Checks the sources and stores them as the next version; nothing is stored on an error. */
  async save(key: string, body: TemplateBody, createdBy: string) {
    const errors = checkTemplate(body, { partials: this.userPartials() });
    if (errors.length > 0) throw validationProblem(errors);
    const saved = await this.store.addVersion(
      key,
      { subject: body.subject, html: body.html, text: body.text ?? null },
      createdBy,
    );
    // This process sees the new version at once; the others within a second.
    this.renderer.forget(key);
    return saved;
  }

  async get(key: string) {
    const latest = await this.store.find(key);
    if (!latest) throw notFound(`template ${key}`);
    return {
      key,
      version: latest.version,
      subject: latest.subject,
      html: latest.html,
      text: latest.text,
      createdAt: latest.createdAt,
      createdBy: latest.createdBy,
      versions: await this.store.versions(key),
    };
  }

  async list() {
    return { items: await this.store.list() };
  }

  /**
   * Renders for a customer (their profile and account over the sample context) or for a given
   * context (its root names over the sample context), or for the sample alone.
   */
  async preview(key: string, body: PreviewBody) {
    const context: TemplateContext = sampleContext(this.config.publicBaseUrl);
    if (body.customerId !== undefined) {
      const customer = await this.customers.get(body.customerId);
      context.customer = customerContext(customer);
      if (customer.accountId) {
        const account = await this.accounts.getAccount(customer.accountId);
        context.account = {
          id: account.id,
          name: account.name,
          ownerEmail: account.ownerEmail,
          ownerName: account.ownerName,
          attributes: account.attributes,
        };
      }
    }
    Object.assign(context, body.context ?? {});
    try {
      return await this.renderer.render(key, context, { version: body.version });
    } catch (error) {
      if (error instanceof TemplateNotFoundError) {
        throw notFound(
          error.version === undefined ? `template ${key}` : `version ${error.version} of ${key}`,
        );
      }
      throw error;
    }
  }

  /** The partials a saved template may include; the layout wraps every email by itself. */
  private userPartials() {
    return this.env.partialNames.filter((name) => name !== 'layout');
  }
}
