import { z } from 'zod';
import {
  currency,
  email,
  externalId,
  isoDateTime,
  locale,
  money,
  timeZone,
} from '../../src/common/validation/validators';

/** The messages a schema gives for a value; [] when the value is accepted. */
const messagesOf = (schema: z.ZodType, value: unknown): string[] => {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
};

describe('timeZone', () => {
  it.each(['Europe/Paris', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata', 'UTC', 'Etc/GMT+1'])(
    'accepts %s',
    (value) => {
      expect(messagesOf(timeZone, value)).toEqual([]);
    },
  );

  it.each(['Mars/Olympus', 'Europe/Lyon', '+01:00', '-05:00', 'UTC+1', '', 'Paris'])(
    'refuses %j',
    (value) => {
      expect(messagesOf(timeZone, value)).toEqual([
        'must be an IANA time zone such as Europe/Paris',
      ]);
    },
  );

  it('refuses a number', () => {
    expect(timeZone.safeParse(1).success).toBe(false);
  });
});

describe('locale', () => {
  it.each(['en', 'en-US', 'fr_FR', 'zh-Hant-TW', 'de-CH-1996', 'gsw'])('accepts %s', (value) => {
    expect(messagesOf(locale, value)).toEqual([]);
  });

  it.each(['english!', 'english', 'e', '', 'en US', '12-34', 'en--US', 'en-a', 'en-toolongsubtag'])(
    'refuses %j',
    (value) => {
      expect(messagesOf(locale, value)).toEqual(['must be a BCP 47 locale such as en-US']);
    },
  );
});

describe('currency', () => {
  it.each(['EUR', 'USD', 'JPY', 'CHF'])('accepts %s', (value) => {
    expect(messagesOf(currency, value)).toEqual([]);
  });

  it.each(['EURO', 'XYZ', 'eur', 'EU', '', '€'])('refuses %j', (value) => {
    expect(messagesOf(currency, value)).toEqual(['must be an ISO 4217 currency code such as EUR']);
  });
});

describe('money', () => {
  it.each([0, 1, 10.5, 19.99, 0.1 + 0.2, 1e12])('accepts %p', (value) => {
    expect(money.parse(value)).toBe(value);
  });

  it.each([
    [-0.01, 'must not be negative'],
    [-100, 'must not be negative'],
    [10.001, 'must have at most two decimals'],
    // 1.005 * 100 is 100.49999999999999 in binary floating point: three decimals, refused.
    [1.005, 'must have at most two decimals'],
    [1e12 + 1, 'is too large'],
  ])('refuses %p: %s', (value, message) => {
    expect(messagesOf(money, value)).toContain(message);
  });

  it.each([Infinity, -Infinity, NaN, '10', null])('refuses the non-number %p', (value) => {
    expect(money.safeParse(value).success).toBe(false);
  });
});

describe('isoDateTime', () => {
  it.each(['2026-05-01T10:00:00Z', '2026-05-01T10:00:00+02:00', '2026-05-01T10:00:00.123-05:30'])(
    'accepts %s',
    (value) => {
      expect(messagesOf(isoDateTime, value)).toEqual([]);
    },
  );

  it.each(['yesterday', '2026-05-01T10:00:00', '2026-05-01', '2026-13-01T10:00:00Z', ''])(
    'refuses %j',
    (value) => {
      expect(messagesOf(isoDateTime, value)).toEqual([
        'must be an ISO-8601 date-time with a time zone offset, e.g. 2026-05-01T10:00:00Z',
      ]);
    },
  );
});

describe('email', () => {
  it.each(['ada@example.com', 'first.last+tag@sub.example.co.uk'])('accepts %s', (value) => {
    expect(messagesOf(email, value)).toEqual([]);
  });

  it.each(['not-an-email', 'a@', '@example.com', 'a b@example.com', ''])('refuses %j', (value) => {
    expect(messagesOf(email, value)).toEqual(['must be a valid email address']);
  });

  it('refuses an address over 320 characters', () => {
    expect(email.safeParse(`${'a'.repeat(64)}@${'b'.repeat(252)}.com`).success).toBe(false);
  });
});

describe('externalId', () => {
  it.each(['c-1', 'CUST_0042', 'a@b.c', 'x'.repeat(200)])('accepts %s', (value) => {
    expect(messagesOf(externalId, value)).toEqual([]);
  });

  it.each([
    ['', 'must not be empty'],
    ['x'.repeat(201), 'must be at most 200 characters'],
    ['with space', 'must be printable ASCII without spaces'],
    ['café', 'must be printable ASCII without spaces'],
    ['tab\there', 'must be printable ASCII without spaces'],
  ])('refuses %j', (value, message) => {
    expect(messagesOf(externalId, value)).toContain(message);
  });
});
