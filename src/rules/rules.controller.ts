import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal, Principal } from '../common/auth/principal';
import { Roles } from '../common/auth/auth.decorators';
import { ApiValidationResponses } from '../common/validation/api-responses';
import { ApiZodBody, ZodPipe } from '../common/validation/zod-body';
import { RuleStatsService } from './rule-stats.service';
import {
  createRuleSchema,
  patchRuleSchema,
  RULE_MODULES,
  RuleInput,
  RulePatch,
  ruleStatusSchema,
} from './rule.schema';
import { RulesService } from './rules.service';

export const ruleIdParam = z.uuid('must be a rule id (a UUID)');
const listQuery = z.strictObject({
  module: z.enum(RULE_MODULES).optional(),
  status: ruleStatusSchema.optional(),
});

@ApiTags('rules')
@Controller('v1/rules')
export class RulesController {
  constructor(
    private readonly rules: RulesService,
    private readonly stats: RuleStatsService,
  ) {}

  @Post()
  @Roles('marketer')
  @ApiOperation({
    summary: 'Create a rule (marketer)',
    description:
      'Validated completely when saved: unknown fields or operators, fields the trigger cannot supply, cron, time zone, durations, the template and the context it uses — each a 422 naming the path.',
  })
  @ApiZodBody(createRuleSchema)
  @ApiValidationResponses()
  create(
    @Body(new ZodPipe(createRuleSchema)) body: RuleInput,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.rules.create(body, principal);
  }

  @Get()
  @Roles('marketer')
  @ApiOperation({ summary: 'Rules, newest first, by module and status (marketer)' })
  list(@Query(new ZodPipe(listQuery)) query: z.infer<typeof listQuery>) {
    return this.rules.list(query);
  }

  @Get(':id')
  @Roles('marketer')
  @ApiOperation({ summary: 'A rule (marketer)' })
  @ApiNotFoundResponse({ description: 'Unknown rule (problem+json)' })
  get(@Param('id', new ZodPipe(ruleIdParam, ['id'])) id: string) {
    return this.rules.get(id);
  }

  @Patch(':id')
  @Roles('marketer')
  @ApiOperation({
    summary: 'Change a rule, or its status (marketer)',
    description: 'Any fields; `null` removes an optional one. The merged rule is validated whole.',
  })
  @ApiZodBody(patchRuleSchema)
  @ApiValidationResponses()
  patch(
    @Param('id', new ZodPipe(ruleIdParam, ['id'])) id: string,
    @Body(new ZodPipe(patchRuleSchema)) body: RulePatch,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.rules.patch(id, body, principal);
  }

  @Get(':id/audit')
  @Roles('marketer')
  @ApiOperation({ summary: "A rule's audit trail: who changed what, when (marketer)" })
  audit(@Param('id', new ZodPipe(ruleIdParam, ['id'])) id: string) {
    return this.rules.auditTrail(id);
  }

  @Get(':id/stats')
  @Roles('marketer')
  @ApiOperation({
    summary: 'What a rule did and whether it worked (marketer)',
    description:
      'Message counts by status; customers treated and held out; conversions within the goal window; rates, lift = (treated rate − holdout rate) / holdout rate, and the two-proportion p-value.',
  })
  ruleStats(@Param('id', new ZodPipe(ruleIdParam, ['id'])) id: string) {
    return this.stats.stats(id);
  }
}
