import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { QueryRunnerLike } from './query-runner';
import { inReportSnapshot } from './report-snapshot';

/** Where the controller runs reports: one consistent snapshot each (see inReportSnapshot). */
@Injectable()
export class ReportsService {
  constructor(private readonly db: DataSource) {}

  snapshot<T>(report: (q: QueryRunnerLike) => Promise<T>): Promise<T> {
    return inReportSnapshot(this.db, report);
  }
}
