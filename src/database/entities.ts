import { ApiKeyEntity } from '../common/auth/api-key.entity';
import { AccountEntity } from '../customers/account.entity';
import { CustomerEntity } from '../customers/customer.entity';
import { OrderItemEntity } from '../customers/order-item.entity';
import { OrderEntity } from '../customers/order.entity';
import { ProductExtraEntity } from '../customers/product-extra.entity';
import { ProductEntity } from '../customers/product.entity';
import { SuppressionEntity } from '../customers/suppression.entity';
import { EventEntity } from '../events/event.entity';
import { DeliverPromotionEntity } from '../messaging/delivery/deliver-promotion.entity';
import { MessageStatusChangeEntity } from '../messaging/messages/message-status-change.entity';
import { MessageEntity } from '../messaging/messages/message.entity';
import { TemplateVersionEntity } from '../messaging/templates/template-version.entity';
import { CaseEntity } from '../mix/post-purchase/case.entity';
import { CheckInEntity } from '../mix/post-purchase/check-in.entity';
import { PromotionRedemptionEntity } from '../mix/reinforcing-promotions/promotion-redemption.entity';
import { PromotionEntity } from '../mix/reinforcing-promotions/promotion.entity';
import { TaskEntity } from '../mix/sales-touchpoints/task.entity';
import { ConversionEntity } from '../analytics/conversion.entity';
import { ValueThresholdsEntity } from '../analytics/value/value-thresholds.entity';
import { RuleAuditEntity } from '../rules/rule-audit.entity';
import { RuleRunEntity } from '../rules/rule-run.entity';
import { RuleSkipEntity } from '../rules/rule-skip.entity';
import { RuleEntity } from '../rules/rule.entity';

/** Every entity, in one list: the schema check compares exactly these with the migrations. */
export const ENTITIES = [
  ApiKeyEntity,
  AccountEntity,
  CustomerEntity,
  ProductEntity,
  ProductExtraEntity,
  OrderEntity,
  OrderItemEntity,
  SuppressionEntity,
  EventEntity,
  TemplateVersionEntity,
  MessageEntity,
  MessageStatusChangeEntity,
  DeliverPromotionEntity,
  CaseEntity,
  RuleEntity,
  RuleAuditEntity,
  RuleRunEntity,
  RuleSkipEntity,
  ConversionEntity,
  CheckInEntity,
  PromotionEntity,
  PromotionRedemptionEntity,
  TaskEntity,
  ValueThresholdsEntity,
];
