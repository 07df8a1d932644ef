import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { ProblemException, validationProblem } from '../../common/problem/problem';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { withTransaction } from '../../database/transaction';
import { MessagesService } from '../../messaging/messages/messages.service';
import { checkInLinks } from './check-in-links';
import { ManualCheckInInput } from './check-in.schemas';
import { insertCheckIns, latestCheckInAt } from './check-in-store';
import { lockCustomerFor } from './customer-lock';
import { loadOrderContext } from './order-context';
import { decideManualCheckIn } from './recent-check-in';

export const CHECK_IN_TEMPLATE = 'post-purchase.check-in';
/** Asked by a person about a customer they are talking to: before any queued offer. */
const MANUAL_PRIORITY = 90;

/**
 * A check-in support staff send by hand, at once: the same email and links a rule's
 * check-in has, without a rule.
 */
@Injectable()
export class ManualCheckInsService {
  constructor(
    private readonly db: DataSource,
    private readonly messages: MessagesService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async send(input: ManualCheckInInput, requestedBy: string | null) {
    const { checkInId, scheduled } = await withTransaction(this.db, async (em) => {
      const customer = await this.customer(em, input.customerId);
      const orderId = input.orderId ? await this.orderOf(em, customer.id, input.orderId) : null;
      // Two agents (or two clicks) at once must not both see "nothing sent today".
      await lockCustomerFor(em, 'post-purchase.check-ins', customer.id);
      const now = this.clock.now();
      const decision = decideManualCheckIn(
        await latestCheckInAt(em, customer.id, orderId),
        now,
        input.force,
      );
      if (!decision.allow) {
        throw new ProblemException(
          HttpStatus.CONFLICT,
          'check-in-too-soon',
          'Checked in recently',
          `${input.orderId ? `order ${input.orderId}` : `customer ${input.customerId}`} got a check-in at ` +
            `${decision.lastCreatedAt.toISOString()}; send again with "force": true to ask anyway`,
          undefined,
          { lastCheckInAt: decision.lastCreatedAt, retryAfter: decision.retryAfter },
        );
      }
      const id = randomUUID();
      const dedupeKey = `check-in.${id}`;
      await insertCheckIns(em, [
        {
          id,
          dedupeKey,
          customerId: customer.id,
          orderId,
          ruleId: null,
          source: 'manual',
          note: input.note || null,
          requestedBy,
        },
      ]);
      const order = orderId ? await loadOrderContext(em, orderId) : null;
      const scheduled = await this.messages.insert(em, [
        {
          dedupeKey,
          customerId: customer.id,
          module: 'post-purchase',
          kind: 'check-in',
          class: 'service',
          priority: MANUAL_PRIORITY,
          templateKey: CHECK_IN_TEMPLATE,
          context: {
            ...(order ? { order } : {}),
            checkIn: checkInLinks(this.config.publicBaseUrl, this.config.tokenSecret, id),
          },
          sendAt: now,
        },
      ]);
      return { checkInId: id, scheduled };
    });
    await this.messages.enqueue(scheduled);
    return { id: checkInId, messageId: scheduled[0].id };
  }

  private async customer(em: EntityManager, externalId: string) {
    const [row] = await em.query<{ id: string; email: string | null }[]>(
      'SELECT id, email FROM customers WHERE external_id = $1',
      [externalId],
    );
    if (!row) throw validationProblem([{ path: 'customerId', message: 'no such customer' }]);
    if (!row.email) {
      throw validationProblem([
        { path: 'customerId', message: 'the customer has no email address (erased)' },
      ]);
    }
    return row;
  }

  private async orderOf(em: EntityManager, customerId: string, externalId: string) {
    const [row] = await em.query<{ id: string; customer_id: string }[]>(
      'SELECT id, customer_id FROM orders WHERE external_id = $1',
      [externalId],
    );
    if (!row || row.customer_id !== customerId) {
      // Another customer's order is "no such order" for this one: no hint that it exists.
      throw validationProblem([{ path: 'orderId', message: 'no such order of this customer' }]);
    }
    return row.id;
  }
}
