import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { ApiValidationResponses } from '../../common/validation/api-responses';
import { ApiZodBody, ZodPipe } from '../../common/validation/zod-body';
import {
  caseIdParam,
  ListCasesQuery,
  listCasesQuery,
  ResolveCaseInput,
  resolveCaseSchema,
} from './check-in.schemas';
import { CasesService } from './cases.service';

const idPipe = new ZodPipe(caseIdParam, ['id']);

@ApiTags('post-purchase')
@Controller('v1/cases')
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Get()
  @Roles('support')
  @ApiOperation({
    summary: 'Support cases, newest first (support)',
    description:
      'Filter by `status` (open, resolved) and `customerId`. Cursor pagination: pass `nextCursor` of an answer as `cursor` for the next page.',
  })
  @ApiOkResponse({
    description:
      '{ items: [{ id, customerId, orderId, checkInId, status, comment, resolution, openedAt, resolvedAt }], nextCursor }',
  })
  list(@Query(new ZodPipe(listCasesQuery)) query: ListCasesQuery) {
    return this.cases.list(query);
  }

  @Get(':id')
  @Roles('support')
  @ApiOperation({ summary: 'A support case (support)' })
  @ApiNotFoundResponse({ description: 'Unknown case (problem+json)' })
  get(@Param('id', idPipe) id: string) {
    return this.cases.get(id);
  }

  @Post(':id/resolve')
  @Roles('support')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Resolve a support case (support)',
    description:
      'Emits `case.resolved` (a rule may follow up, say with an apology offer). When it was the customer’s last open case, the offers and promotions held for it are released at once.',
  })
  @ApiZodBody(resolveCaseSchema)
  @ApiOkResponse({ description: 'The resolved case' })
  @ApiNotFoundResponse({ description: 'Unknown case (problem+json)' })
  @ApiConflictResponse({ description: 'The case was resolved already (problem+json)' })
  @ApiValidationResponses()
  resolve(
    @Param('id', idPipe) id: string,
    @Body(new ZodPipe(resolveCaseSchema)) body: ResolveCaseInput,
  ) {
    return this.cases.resolve(id, body.resolution);
  }
}
