import { stringify } from 'csv-stringify/sync';
import type { OverviewReport } from './overview.report';
import type { ReportPeriod } from './report-period';
import type { RulesReport } from './rules.report';
import type { WinLossReport } from './win-loss.report';

/*
 * Each report as one flat CSV (RFC 4180, comma, header row, CRLF-free `\n` lines). Columns
 * are the JSON fields, nested ones dotted (`customers.treated`); a report of several
 * sections gets a `section` column and each row fills the columns of its section. Empty
 * cell = null; dates are ISO-8601 UTC; booleans `true`/`false`.
 */

/**
 * Text from customers or the shop (names, reasons, notes) that starts like a formula would
 * run as one in a spreadsheet ("CSV injection"): such a cell gets a leading apostrophe,
 * which spreadsheets show as text. Numbers are never touched (a negative lift stays one).
 */
export const neutralizeFormula = (value: string) =>
  /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;

export function csvOf(columns: readonly string[], rows: readonly object[]): string {
  return stringify(rows as Record<string, unknown>[], {
    header: true,
    columns: [...columns],
    cast: {
      date: (value) => value.toISOString(),
      boolean: (value) => String(value),
      string: (value, context) => (context.header ? value : neutralizeFormula(value)),
    },
  });
}

/** `retention-overview_20260501T000000Z_20260531T000000Z.csv` */
export function csvFilename(report: string, period: ReportPeriod): string {
  const stamp = (d: Date) =>
    d
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z')
      .replace(/[-:]/g, '');
  return `retention-${report}_${stamp(period.from)}_${stamp(period.to)}.csv`;
}

export const OVERVIEW_CSV_COLUMNS = ['section', 'metric', 'module', 'status', 'value'] as const;

/**
 * The overview, long: one row per figure (`customers,retentionRate,,,0.85`), messages one
 * row per module and status (`messages,count,post-purchase,sent,42`), the period first.
 */
export function overviewCsv(report: OverviewReport): string {
  const rows: Record<string, unknown>[] = [
    { section: 'period', metric: 'from', value: report.period.from },
    { section: 'period', metric: 'to', value: report.period.to },
  ];
  const figures = {
    customers: report.customers,
    orders: report.orders,
    revenue: report.revenue,
    checkIns: report.checkIns,
    cases: report.cases,
    tasks: report.tasks,
  };
  for (const [section, values] of Object.entries(figures)) {
    for (const [metric, value] of Object.entries(values)) rows.push({ section, metric, value });
  }
  for (const m of report.messages) {
    rows.push({
      section: 'messages',
      metric: 'count',
      module: m.module,
      status: m.status,
      value: m.count,
    });
  }
  return csvOf(OVERVIEW_CSV_COLUMNS, rows);
}

export const RULES_CSV_COLUMNS = [
  'ruleId',
  'name',
  'module',
  'status',
  'customers.treated',
  'customers.holdout',
  'conversions.treated',
  'conversions.holdout',
  'conversionRate.treated',
  'conversionRate.holdout',
  'attributedRevenue',
  'lift',
  'pValue',
  'warning',
] as const;

/** One row per rule. */
export const rulesCsv = (report: RulesReport) => csvOf(RULES_CSV_COLUMNS, report.rules);

const TIER_COLUMNS = [
  'valueTiers.high',
  'valueTiers.medium',
  'valueTiers.low',
  'valueTiers.unprofitable',
  'valueTiers.unknown',
];

export const WIN_LOSS_CSV_COLUMNS = [
  'section',
  'reason',
  'competitor',
  'customers',
  'orders',
  'wonBack',
  'revenue',
  'value',
  'clv',
  ...TIER_COLUMNS,
  'customerId',
  'email',
  'firstName',
  'lastName',
  'valueTier',
  'worthKeeping',
  'ordersCount',
  'lastOrderAt',
  'churnedAt',
  'note',
] as const;

/**
 * Sections `defections` (per reason and competitor), `cancellations` and `returns` (per
 * reason), then `lostCustomers` (one row per customer, in the report's order). Totals are
 * left to the spreadsheet: they are sums of the rows.
 */
export function winLossCsv(report: WinLossReport): string {
  const rows = [
    ...report.defections.byReason.map((g) => ({ section: 'defections', ...g })),
    ...report.cancellations.byReason.map((g) => ({ section: 'cancellations', ...g })),
    ...report.returns.byReason.map((g) => ({ section: 'returns', ...g })),
    ...report.lostCustomers.map((c) => ({ section: 'lostCustomers', ...c })),
  ];
  return csvOf(WIN_LOSS_CSV_COLUMNS, rows);
}
