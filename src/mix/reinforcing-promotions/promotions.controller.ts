import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Roles } from '../../common/auth/auth.decorators';
import { decodeCursor } from '../../common/pagination/cursor';
import { validationProblem } from '../../common/problem/problem';
import { externalId } from '../../common/validation/validators';
import { ZodPipe } from '../../common/validation/zod-body';
import { normalizeCode } from './promotion-code';
import { PromotionsList } from './promotions-list';

const listQuery = z.strictObject({
  customerId: externalId.optional(),
  code: z.string().trim().min(1, 'must not be empty').max(64).transform(normalizeCode).optional(),
  ruleId: z.uuid().optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

@ApiTags('promotions')
@Controller('v1/promotions')
export class PromotionsController {
  constructor(private readonly promotions: PromotionsList) {}

  @Get()
  @Roles('marketer', 'support')
  @ApiOperation({
    summary: 'Personal promotion codes and their redemptions, newest first (marketer, support)',
    description:
      'Filter by `customerId` (external id), `code` (any case) or `ruleId`. `status` is `active`, `expired` or `redeemed`; `redemptions` lists every order that carried the code, valid or not (`reason`: `already_redeemed`, `expired`, `other_customer`). Cursor pagination: pass `nextCursor` as `cursor`.',
  })
  @ApiOkResponse({
    description: '{ items: [{ code, customerId, status, redemptions, … }], nextCursor }',
  })
  list(@Query(new ZodPipe(listQuery)) query: z.infer<typeof listQuery>) {
    const cursor = query.cursor ? decodeCursor(query.cursor, 'cursor') : undefined;
    if (cursor && !z.uuid().safeParse(cursor.id).success) {
      throw validationProblem([{ path: 'cursor', message: 'is not a cursor this API gave out' }]);
    }
    return this.promotions.list({ ...query, cursor });
  }
}
