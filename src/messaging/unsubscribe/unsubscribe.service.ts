import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { verifyToken } from '../../common/auth/link-tokens';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { emailHash } from '../../customers/email-hash';
import { UNSUBSCRIBE_PURPOSE } from './unsubscribe-token';

export type UnsubscribeScope = 'marketing' | 'all';

/**
 * Unsubscribes keep the address's hash in `suppressions` (so they outlive a re-import of
 * the customer) and withdraw marketing consent. `marketing` stops offers and promotions;
 * `all` stops service messages too.
 */
@Injectable()
export class UnsubscribeService {
  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The customer a token is for, or null for a forged, malformed or stale token. */
  async customerFor(token: string): Promise<{
    id: string;
    email: string | null;
    firstName: string | null;
    scope: UnsubscribeScope | null;
  } | null> {
    const subject = verifyToken(this.config.tokenSecret, UNSUBSCRIBE_PURPOSE, token);
    if (!subject || !/^\d{1,19}$/.test(subject)) return null;
    const [row] = await this.db.query<
      { id: string; email: string | null; first_name: string | null }[]
    >('SELECT id, email, first_name FROM customers WHERE id = $1', [subject]);
    if (!row) return null;
    const scope = row.email ? await this.currentScope(row.email) : 'all';
    return { id: row.id, email: row.email, firstName: row.first_name, scope };
  }

  async unsubscribe(customer: { id: string; email: string | null }, scope: UnsubscribeScope) {
    await this.db.transaction(async (em) => {
      if (customer.email) {
        await em.query(
          `INSERT INTO suppressions (email_hash, reason, scope) VALUES ($1, 'unsubscribed', $2)
           ON CONFLICT (email_hash, reason) DO UPDATE
             SET scope = CASE WHEN EXCLUDED.scope = 'all' THEN 'all' ELSE suppressions.scope END`,
          [emailHash(customer.email), scope],
        );
      }
      await em.query(
        'UPDATE customers SET marketing_consent = false, updated_at = now() WHERE id = $1',
        [customer.id],
      );
    });
  }

  private async currentScope(email: string): Promise<UnsubscribeScope | null> {
    const [row] = await this.db.query<{ scope: UnsubscribeScope | null }[]>(
      `SELECT CASE WHEN bool_or(scope = 'all') THEN 'all' WHEN count(*) > 0 THEN 'marketing' END AS scope
         FROM suppressions WHERE email_hash = $1`,
      [emailHash(email)],
    );
    return row.scope;
  }
}
