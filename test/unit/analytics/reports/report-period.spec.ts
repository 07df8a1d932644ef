import { ProblemException } from '../../../../src/common/problem/problem';
import { reportQuerySchema, resolvePeriod } from '../../../../src/analytics/reports/report-period';

const NOW = new Date('2026-06-15T12:00:00.000Z');

const problemOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    if (error instanceof ProblemException)
      return { status: error.getStatus(), errors: error.errors };
    throw error;
  }
  throw new Error('expected a problem');
};

describe('resolvePeriod', () => {
  it('takes from and to as given, whatever their offsets', () => {
    expect(
      resolvePeriod({ from: '2026-05-01T00:00:00+05:30', to: '2026-06-01T00:00:00Z' }, NOW),
    ).toEqual({ from: new Date('2026-04-30T18:30:00Z'), to: new Date('2026-06-01T00:00:00Z') });
  });

  it('defaults to the 30 days before now', () => {
    expect(resolvePeriod({}, NOW)).toEqual({
      from: new Date('2026-05-16T12:00:00.000Z'),
      to: NOW,
    });
  });

  it('defaults `from` to 30 days before a given `to`, and `to` to now', () => {
    expect(resolvePeriod({ to: '2026-03-31T00:00:00Z' }, NOW).from).toEqual(
      new Date('2026-03-01T00:00:00Z'),
    );
    expect(resolvePeriod({ from: '2026-06-01T00:00:00Z' }, NOW).to).toEqual(NOW);
  });

  it('refuses an empty or reversed period with a 422 naming `from`', () => {
    expect(
      problemOf(() =>
        resolvePeriod({ from: '2026-06-01T00:00:00Z', to: '2026-06-01T00:00:00Z' }, NOW),
      ),
    ).toEqual({ status: 422, errors: [{ path: 'from', message: 'must be before `to`' }] });
    expect(problemOf(() => resolvePeriod({ from: '2026-07-01T00:00:00Z' }, NOW))).toEqual({
      status: 422,
      errors: [{ path: 'from', message: 'must be before `to` (now, when `to` is left out)' }],
    });
  });
});

describe('reportQuerySchema', () => {
  it('accepts ISO date-times with an offset and a format', () => {
    expect(
      reportQuerySchema.parse({
        from: '2026-05-01T00:00:00Z',
        to: '2026-06-01T00:00:00+02:00',
        format: 'csv',
      }),
    ).toEqual({ from: '2026-05-01T00:00:00Z', to: '2026-06-01T00:00:00+02:00', format: 'csv' });
  });

  it.each([
    [{ from: '2026-05-01' }, 'from'],
    [{ to: 'yesterday' }, 'to'],
    [{ from: '2026-05-01T00:00:00' }, 'from'],
    [{ format: 'xlsx' }, 'format'],
    [{ since: '2026-05-01T00:00:00Z' }, ''],
  ])('refuses %j', (query, path) => {
    const result = reportQuerySchema.safeParse(query);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].path.join('.')).toBe(path);
  });
});
