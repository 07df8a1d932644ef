import { applyDecorators, Controller, Get, Query, Req, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Roles } from '../../common/auth/auth.decorators';
import { Clock } from '../../common/clock';
import { ZodPipe } from '../../common/validation/zod-body';
import { overviewReport } from './overview.report';
import { csvFilename, overviewCsv, rulesCsv, winLossCsv } from './report-csv';
import { OVERVIEW_DOC, RULES_DOC, WIN_LOSS_DOC } from './report-docs';
import { ReportPeriod, ReportQuery, reportQuerySchema, resolvePeriod } from './report-period';
import { ReportsService } from './reports.service';
import { rulesReport } from './rules.report';
import { winLossReport } from './win-loss.report';

const queryPipe = new ZodPipe(reportQuerySchema);

const ReportEndpoint = (summary: string, description: string) =>
  applyDecorators(
    Roles('marketer'),
    ApiOperation({ summary, description }),
    ApiQuery({ name: 'from', required: false, description: 'ISO-8601 date-time, included' }),
    ApiQuery({ name: 'to', required: false, description: 'ISO-8601 date-time, excluded' }),
    ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] }),
    ApiProduces('application/json', 'text/csv'),
    ApiOkResponse({ description: 'The report (JSON), or as a CSV attachment' }),
    ApiUnprocessableEntityResponse({ description: 'Bad `from`, `to` or `format` (problem+json)' }),
  );

/** CSV when asked by `format=csv` or when the client prefers text/csv to JSON. */
const wantsCsv = (req: Request, query: ReportQuery) =>
  query.format === 'csv' ||
  (query.format === undefined && req.accepts(['application/json', 'text/csv']) === 'text/csv');

/** The report as JSON, or as a CSV attachment named after the report and its period. */
function reply<T extends { period: ReportPeriod }>(
  req: Request,
  res: Response,
  query: ReportQuery,
  name: string,
  report: T,
  toCsv: (report: T) => string,
): T | string {
  res.vary('Accept');
  if (!wantsCsv(req, query)) return report;
  res.type('text/csv; charset=utf-8');
  res.setHeader(
    'Content-Disposition',
    `attachment; filename="${csvFilename(name, report.period)}"`,
  );
  return toCsv(report);
}

@ApiTags('reports')
@Controller('v1/reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly clock: Clock,
  ) {}

  @Get('overview')
  @ReportEndpoint('Retention overview for a period (marketer)', OVERVIEW_DOC)
  async overview(
    @Query(queryPipe) query: ReportQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const period = resolvePeriod(query, this.clock.now());
    const report = await this.reports.snapshot((q) => overviewReport(q, period));
    return reply(req, res, query, 'overview', report, overviewCsv);
  }

  @Get('rules')
  @ReportEndpoint('Every rule’s treated and held-out conversions and lift (marketer)', RULES_DOC)
  async rules(
    @Query(queryPipe) query: ReportQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const period = resolvePeriod(query, this.clock.now());
    const report = await this.reports.snapshot((q) => rulesReport(q, period));
    return reply(req, res, query, 'rules', report, rulesCsv);
  }

  @Get('win-loss')
  @ReportEndpoint('Defections, cancellations and returns by reason (marketer)', WIN_LOSS_DOC)
  async winLoss(
    @Query(queryPipe) query: ReportQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const period = resolvePeriod(query, this.clock.now());
    const report = await this.reports.snapshot((q) => winLossReport(q, period));
    return reply(req, res, query, 'win-loss', report, winLossCsv);
  }
}
