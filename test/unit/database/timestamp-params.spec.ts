import { timestampParams } from '../../../src/database/timestamp-params';

describe('timestampParams', () => {
  it('gives each timestamp as an ISO string in UTC and keeps nulls in place', () => {
    const a = new Date('2026-03-08T06:59:59.123Z');
    const b = new Date('2026-11-01T05:00:00Z');
    expect(timestampParams([a, null, b, undefined, new Date(a.getTime())])).toEqual([
      '2026-03-08T06:59:59.123Z',
      null,
      '2026-11-01T05:00:00.000Z',
      null,
      '2026-03-08T06:59:59.123Z',
    ]);
  });

  it('names the same instant as the driver would, whatever the process time zone', () => {
    // The test runs under TZ=Asia/Kolkata: the driver's local form and ours are one instant.
    const d = new Date('2026-12-04T18:30:00.5Z');
    expect(new Date(timestampParams([d])[0]!).getTime()).toBe(d.getTime());
  });
});
