import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { CurrentPrincipal, Principal } from '../../common/auth/principal';
import { ApiValidationResponses } from '../../common/validation/api-responses';
import { ApiZodBody, ZodPipe } from '../../common/validation/zod-body';
import { ManualCheckInInput, manualCheckInSchema } from './check-in.schemas';
import { ManualCheckInsService } from './manual-check-ins.service';

@ApiTags('post-purchase')
@Controller('v1/check-ins')
export class CheckInsController {
  constructor(private readonly checkIns: ManualCheckInsService) {}

  @Post()
  @Roles('support')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Ask a customer how it is going, now (support)',
    description:
      'Sends the `post-purchase.check-in` email at once, as a service message (no marketing consent needed; unsubscribes from everything still apply). `orderId` must be one of the customer’s orders. A second check-in about the same order (or, without `orderId`, about no order) within 24 hours is refused with 409 unless `force` is true. Follow the email at GET /v1/messages/{messageId}.',
  })
  @ApiZodBody(manualCheckInSchema)
  @ApiCreatedResponse({ description: '{ id, messageId }' })
  @ApiConflictResponse({
    description:
      'The customer got a check-in about this order in the last 24 hours (problem+json with `lastCheckInAt` and `retryAfter`)',
  })
  @ApiValidationResponses()
  send(
    @Body(new ZodPipe(manualCheckInSchema)) body: ManualCheckInInput,
    @CurrentPrincipal() principal: Principal | undefined,
  ) {
    return this.checkIns.send(body, principal?.name ?? null);
  }
}
