import type { MessageRequest } from '../../messaging/messages/message-request';
import type { CheckInAnswer } from './check-in-answer';
import type { CheckInOrderContext } from './order-context';

export const CASE_NOTICE_TEMPLATE = 'post-purchase.case-notice';

/**
 * The email to the support desk about a new case: who (the delivery worker fills in the
 * customer as they are when it sends), which order, and what they wrote. A service message
 * with an explicit recipient: no consent, quiet hours or open case holds it, and it never
 * carries the customer's unsubscribe link.
 */
export function caseNoticeRequest(input: {
  supportEmail: string;
  caseId: string;
  customerId: string;
  openedAt: Date;
  order: CheckInOrderContext | null;
  checkIn: { id: string; answer: CheckInAnswer; comment: string | null; answeredAt: Date };
}): MessageRequest {
  return {
    dedupeKey: `case-notice.${input.caseId}`,
    customerId: input.customerId,
    recipient: input.supportEmail,
    module: 'post-purchase',
    kind: 'case-notice',
    class: 'service',
    priority: 90,
    templateKey: CASE_NOTICE_TEMPLATE,
    context: {
      ...(input.order ? { order: input.order } : {}),
      checkIn: {
        answer: input.checkIn.answer,
        comment: input.checkIn.comment,
        answeredAt: input.checkIn.answeredAt,
      },
      case: { id: input.caseId, openedAt: input.openedAt },
    },
    sendAt: input.openedAt,
  };
}
