import { parseCsv } from '../../../support/csv';
import {
  csvFilename,
  neutralizeFormula,
  overviewCsv,
  rulesCsv,
  winLossCsv,
} from '../../../../src/analytics/reports/report-csv';
import type { OverviewReport } from '../../../../src/analytics/reports/overview.report';
import type { RulesReport } from '../../../../src/analytics/reports/rules.report';
import type { WinLossReport } from '../../../../src/analytics/reports/win-loss.report';

const period = { from: new Date('2026-05-01T00:00:00Z'), to: new Date('2026-06-01T00:00:00Z') };
const tiers = { high: 1, medium: 0, low: 0, unprofitable: 0, unknown: 0 };

describe('csvFilename', () => {
  it('names the report and its period in basic ISO-8601, safe in any file system', () => {
    expect(csvFilename('overview', period)).toBe(
      'retention-overview_20260501T000000Z_20260601T000000Z.csv',
    );
  });
});

describe('neutralizeFormula', () => {
  it.each([
    ['=HYPERLINK("http://evil")', `'=HYPERLINK("http://evil")`],
    ['+1', `'+1`],
    ['-cmd', `'-cmd`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\tx', `'\tx`],
    ['too slow', 'too slow'],
    ['', ''],
  ])('%j → %j', (input, expected) => expect(neutralizeFormula(input)).toBe(expected));
});

describe('overviewCsv', () => {
  const report: OverviewReport = {
    period,
    customers: {
      start: 90,
      new: 30,
      end: 112,
      churned: 9,
      wonBack: 3,
      newChurned: 2,
      retentionRate: 0.5,
      churnRate: null,
    },
    orders: { orders: 5, customers: 4, repeatCustomers: 1, repeatPurchaseRate: 0.25 },
    revenue: { new: 10.5, returning: 20, total: 30.5, newShare: 0.25 },
    messages: [
      { module: 'post-purchase', status: 'sent', count: 7 },
      { module: 'product-extras', status: 'held_out', count: 2 },
    ],
    checkIns: { asked: 4, answered: 2, good: 1, problem: 1, answerRate: 0.5, problemRate: 0.5 },
    cases: { opened: 1, resolved: 0 },
    tasks: { created: 3, completed: 1, overdue: 2 },
  };

  it('is long: one row per figure, the period first, messages by module and status', () => {
    const csv = overviewCsv(report);
    const lines = csv.trimEnd().split('\n');
    expect(lines.slice(0, 6)).toEqual([
      'section,metric,module,status,value',
      'period,from,,,2026-05-01T00:00:00.000Z',
      'period,to,,,2026-06-01T00:00:00.000Z',
      'customers,start,,,90',
      'customers,new,,,30',
      'customers,end,,,112',
    ]);
    expect(lines).toContain('customers,churnRate,,,');
    expect(lines).toContain('revenue,total,,,30.5');
    expect(lines).toContain('checkIns,problemRate,,,0.5');
    expect(lines).toContain('tasks,overdue,,,2');
    expect(lines.slice(-2)).toEqual([
      'messages,count,post-purchase,sent,7',
      'messages,count,product-extras,held_out,2',
    ]);
    // 2 period rows + 8 customers + 4 orders + 4 revenue + 6 check-ins + 2 cases + 3 tasks + 2 messages
    expect(lines).toHaveLength(1 + 2 + 8 + 4 + 4 + 6 + 2 + 3 + 2);
  });
});

describe('rulesCsv', () => {
  it('is one row per rule with the nested fields dotted', () => {
    const report: RulesReport = {
      period,
      rules: [
        {
          ruleId: '6f1c1c3e-0000-4000-8000-000000000001',
          name: 'Check in, "gently", after delivery',
          module: 'post-purchase',
          status: 'active',
          customers: { treated: 1000, holdout: 1000 },
          conversions: { treated: 120, holdout: 80 },
          conversionRate: { treated: 0.12, holdout: 0.08 },
          attributedRevenue: 1234.5,
          lift: 0.5,
          pValue: 0.0028691128,
          warning: null,
        },
      ],
    };
    const rows = parseCsv(rulesCsv(report));
    expect(rows).toEqual([
      {
        ruleId: '6f1c1c3e-0000-4000-8000-000000000001',
        name: 'Check in, "gently", after delivery',
        module: 'post-purchase',
        status: 'active',
        'customers.treated': '1000',
        'customers.holdout': '1000',
        'conversions.treated': '120',
        'conversions.holdout': '80',
        'conversionRate.treated': '0.12',
        'conversionRate.holdout': '0.08',
        attributedRevenue: '1234.5',
        lift: '0.5',
        pValue: '0.0028691128',
        warning: '',
      },
    ]);
  });
});

describe('winLossCsv', () => {
  it('has a section column; each section fills its own columns; formulas are defused', () => {
    const report: WinLossReport = {
      period,
      defections: {
        total: { customers: 1, worthKeeping: 1, wonBack: 0, revenue: 500, clv: 900 },
        byReason: [
          {
            reason: 'price',
            competitor: '=Acme',
            customers: 1,
            wonBack: 0,
            revenue: 500,
            clv: 900,
            valueTiers: tiers,
          },
        ],
      },
      cancellations: {
        total: { orders: 2, value: 40 },
        byReason: [{ reason: null, orders: 2, customers: 1, value: 40, valueTiers: tiers }],
      },
      returns: { total: { orders: 0, value: 0 }, byReason: [] },
      lostCustomers: [
        {
          customerId: 'c-1',
          email: 'ann@example.com',
          firstName: 'Ann',
          lastName: null,
          valueTier: 'high',
          worthKeeping: true,
          clv: 900,
          revenue: 500,
          ordersCount: 4,
          lastOrderAt: new Date('2026-04-01T10:00:00Z'),
          churnedAt: new Date('2026-05-02T10:00:00Z'),
          reason: 'price',
          competitor: '=Acme',
          note: null,
          wonBack: false,
        },
      ],
    };
    const rows = parseCsv(winLossCsv(report));
    expect(rows.map((r) => r.section)).toEqual(['defections', 'cancellations', 'lostCustomers']);
    expect(rows[0]).toMatchObject({
      reason: 'price',
      competitor: "'=Acme",
      customers: '1',
      orders: '',
      revenue: '500',
      clv: '900',
      'valueTiers.high': '1',
      customerId: '',
    });
    expect(rows[1]).toMatchObject({ reason: '', orders: '2', value: '40', customers: '1' });
    expect(rows[2]).toMatchObject({
      customerId: 'c-1',
      email: 'ann@example.com',
      lastName: '',
      valueTier: 'high',
      worthKeeping: 'true',
      wonBack: 'false',
      churnedAt: '2026-05-02T10:00:00.000Z',
      'valueTiers.high': '',
    });
  });
});
