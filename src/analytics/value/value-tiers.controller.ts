import { Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Roles } from '../../common/auth/auth.decorators';
import { ProblemException } from '../../common/problem/problem';
import { ValueTiersQueue } from './value-tiers-schedule';
import { valueTiersReport } from './value-tiers-report';

@ApiTags('analytics')
@Controller('v1/analytics/value-tiers')
export class ValueTiersController {
  constructor(
    private readonly db: DataSource,
    private readonly queue: ValueTiersQueue,
  ) {}

  @Get()
  @Roles('marketer')
  @ApiOperation({
    summary: 'How customers spread over value tiers and RFM segments (marketer)',
    description:
      '`{ tiers: { high, medium, low, unprofitable, notComputed }, segments: { new, champions, at-risk, loyal, potential, hibernating, noOrders, notComputed }, thresholds, lastRun }`. `thresholds` are the boundaries single-customer refreshes score against (20th/40th/60th/80th percentiles of days since the last order, orders and revenue; CLV cut-offs of `high` and `medium`); `lastRun` the latest finished recompute for everyone. Definitions: README, "Customer value".',
  })
  @ApiOkResponse({ description: 'The distribution' })
  report() {
    return valueTiersReport(this.db);
  }

  @Post('recompute')
  @HttpCode(202)
  @Roles()
  @ApiOperation({
    summary: 'Recompute value tiers for everyone now (admin)',
    description:
      'Queues the nightly job now; a worker runs it. Follow it with GET /v1/analytics/value-tiers (`lastRun`). 503 when the queue cannot be reached.',
  })
  @ApiAcceptedResponse({ description: '`{ jobId, status: "queued" }`' })
  async recompute() {
    try {
      return { jobId: await this.queue.requestNow(), status: 'queued' };
    } catch (error) {
      throw new ProblemException(
        HttpStatus.SERVICE_UNAVAILABLE,
        'queue-unavailable',
        'Queue unavailable',
        `the recompute could not be queued: ${(error as Error).message}`,
      );
    }
  }
}
