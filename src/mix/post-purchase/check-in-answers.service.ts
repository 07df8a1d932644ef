import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { withTransaction } from '../../database/transaction';
import { EngineEvent, EngineEvents } from '../../events/engine-events';
import { ScheduledMessage } from '../../messaging/messages/message-request';
import { MessagesService } from '../../messaging/messages/messages.service';
import { CheckInAnswerInput } from './check-in-answer';
import { checkInIdOf } from './check-in-links';
import {
  CheckInRow,
  findCheckIn,
  lockCheckIn,
  previousAnswers,
  saveAnswer,
} from './check-in-store';
import { caseNoticeRequest } from './case-notice';
import { insertCase, openCaseOfCheckIn, updateCaseComment } from './case-store';
import { lockCustomerFor } from './customer-lock';
import { loadOrderContext } from './order-context';

export interface RecordedAnswer {
  checkInId: string;
  answer: CheckInAnswerInput['answer'];
  comment: string | null;
  answeredAt: Date;
  /** The case this answer opened, or the open case it added to; null for `good`. */
  caseId: string | null;
  caseOpened: boolean;
}

/**
 * A customer's answer to a check-in. A second answer replaces the first. "I have a problem"
 * opens a support case — which holds marketing to the customer until support resolves it —
 * and tells the support desk. A later "all good" does not close the case: the customer may
 * have clicked the wrong button, and only support knows whether the problem is solved.
 */
@Injectable()
export class CheckInAnswersService {
  private readonly logger = new Logger(CheckInAnswersService.name);

  constructor(
    private readonly db: DataSource,
    private readonly messages: MessagesService,
    private readonly engineEvents: EngineEvents,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The check-in behind a link, or null when the token is not ours or the check-in is gone. */
  async find(token: string): Promise<CheckInRow | null> {
    const id = checkInIdOf(this.config.tokenSecret, token);
    return id ? findCheckIn(this.db, id) : null;
  }

  /** Records the answer; null when the token is not ours or the check-in is gone. */
  async record(token: string, input: CheckInAnswerInput): Promise<RecordedAnswer | null> {
    const id = checkInIdOf(this.config.tokenSecret, token);
    if (!id) return null;
    const done = await withTransaction(this.db, async (em) => {
      const checkIn = await lockCheckIn(em, id);
      if (!checkIn) return null;
      const answeredAt = this.clock.now();
      await saveAnswer(em, id, { ...input, answeredAt });
      const n = (await previousAnswers(em, checkIn.customerId, id)) + 1;
      const events: EngineEvent[] = [
        {
          id: `check_in.answered.${id}.${n}`,
          type: 'check_in.answered',
          customerId: checkIn.customerId,
          occurredAt: answeredAt,
          properties: {
            checkInId: id,
            answer: input.answer,
            comment: input.comment,
            orderId: checkIn.orderExternalId,
          },
        },
      ];
      let caseId: string | null = null;
      let caseOpened = false;
      let notice: ScheduledMessage[] = [];
      if (input.answer === 'problem') {
        await lockCustomerFor(em, 'post-purchase.cases', checkIn.customerId);
        caseId = await openCaseOfCheckIn(em, id);
        if (caseId) {
          // The customer said more about the same problem: the case shows the latest words.
          if (input.comment) await updateCaseComment(em, caseId, input.comment);
        } else {
          caseId = await insertCase(em, {
            customerId: checkIn.customerId,
            orderId: checkIn.orderId,
            checkInId: id,
            comment: input.comment,
            openedAt: answeredAt,
          });
          caseOpened = true;
          events.push({
            id: `case.opened.${caseId}`,
            type: 'case.opened',
            customerId: checkIn.customerId,
            occurredAt: answeredAt,
            properties: {
              caseId,
              checkInId: id,
              orderId: checkIn.orderExternalId,
              comment: input.comment,
            },
          });
          notice = await this.notifySupport(em, checkIn, caseId, input, answeredAt);
        }
      }
      await this.engineEvents.insert(em, events);
      return {
        answer: {
          checkInId: id,
          answer: input.answer,
          comment: input.comment,
          answeredAt,
          caseId,
          caseOpened,
        },
        eventIds: events.map((e) => e.id),
        notice,
      };
    });
    if (!done) return null;
    // After the commit; neither throws for Redis trouble (the relay and reconciler catch up).
    await this.engineEvents.enqueue(done.eventIds);
    await this.messages.enqueue(done.notice);
    return done.answer;
  }

  private async notifySupport(
    em: EntityManager,
    checkIn: CheckInRow,
    caseId: string,
    input: CheckInAnswerInput,
    answeredAt: Date,
  ): Promise<ScheduledMessage[]> {
    const supportEmail = this.config.mail.supportEmail;
    if (!supportEmail) {
      this.logger.warn(
        `case ${caseId} opened, but SUPPORT_EMAIL is not set: nobody was emailed about it`,
      );
      return [];
    }
    const order = checkIn.orderId ? await loadOrderContext(em, checkIn.orderId) : null;
    return this.messages.insert(em, [
      caseNoticeRequest({
        supportEmail,
        caseId,
        customerId: checkIn.customerId,
        openedAt: answeredAt,
        order,
        checkIn: { id: checkIn.id, answer: input.answer, comment: input.comment, answeredAt },
      }),
    ]);
  }
}
