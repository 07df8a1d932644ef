import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { z } from 'zod';
import { Roles } from '../../common/auth/auth.decorators';
import { Clock } from '../../common/clock';
import { ZodPipe } from '../../common/validation/zod-body';
import { ruleIdParam } from '../rules.controller';
import { RuleRuns } from './rule-runs.service';

const ruleIdPipe = new ZodPipe(ruleIdParam, ['id']);
const runIdPipe = new ZodPipe(z.uuid('must be a run id (a UUID)'), ['runId']);

@ApiTags('rules')
@Controller('v1/rules/:id')
export class RuleRunsController {
  constructor(
    private readonly runs: RuleRuns,
    private readonly clock: Clock,
  ) {}

  @Post('run')
  @HttpCode(202)
  @Roles('marketer')
  @ApiOperation({
    summary: 'Run a schedule or manual rule now over its audience (marketer)',
    description:
      'Records a run and queues it; a worker goes through the audience page by page. Follow it with GET /v1/rules/{id}/runs/{runId}. 409 for an event rule or a rule that is not active.',
  })
  @ApiAcceptedResponse({ description: '`{ runId }`' })
  @ApiNotFoundResponse({ description: 'Unknown rule (problem+json)' })
  @ApiConflictResponse({ description: 'Event rule, or not active (problem+json)' })
  @ApiUnprocessableEntityResponse({ description: 'The id is not a UUID (problem+json)' })
  run(@Param('id', ruleIdPipe) id: string) {
    return this.runs.runNow(id, this.clock.now());
  }

  @Get('runs')
  @Roles('marketer')
  @ApiOperation({ summary: "The rule's latest 50 runs, newest first (marketer)" })
  @ApiOkResponse({ description: '`{ items: [run] }`' })
  @ApiNotFoundResponse({ description: 'Unknown rule (problem+json)' })
  list(@Param('id', ruleIdPipe) id: string) {
    return this.runs.list(id);
  }

  @Get('runs/:runId')
  @Roles('marketer')
  @ApiOperation({
    summary: 'A run’s progress (marketer)',
    description:
      '`{ id, ruleId, status, trigger, triggeredAt, audienceSize, processed, scheduled, heldOut, skipped: { reason: count }, error, startedAt, finishedAt }`; status is running, completed, failed or cancelled.',
  })
  @ApiOkResponse({ description: 'The run' })
  @ApiNotFoundResponse({ description: 'Unknown rule or run (problem+json)' })
  progress(@Param('id', ruleIdPipe) id: string, @Param('runId', runIdPipe) runId: string) {
    return this.runs.progress(id, runId);
  }
}
