import { uuidV7 } from '../../../src/database/uuid-v7';

/** RFC 9562 version 7: version nibble 7, variant bits 10. */
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** The Unix time in milliseconds in a v7 UUID's first 48 bits. */
const millisOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('uuidV7', () => {
  it('makes distinct version-7 UUIDs whose first 48 bits are the current time in ms', () => {
    const before = Date.now();
    const made = Array.from({ length: 20_000 }, () => uuidV7());
    const after = Date.now();
    expect(made.filter((id) => !UUID_V7.test(id))).toEqual([]);
    expect(new Set(made).size).toBe(made.length);
    for (const id of made) {
      expect(millisOf(id)).toBeGreaterThanOrEqual(before);
      expect(millisOf(id)).toBeLessThanOrEqual(after);
    }
    // Random after the time: the last 74 bits are not a counter.
    expect(new Set(made.map((id) => id.slice(-12))).size).toBe(made.length);
  });

  it('writes the given time, whatever time was formatted last', () => {
    const times = [0, 1, 0xffffffffffff, Date.UTC(2026, 11, 4), 1];
    for (const t of times) expect(millisOf(uuidV7(t))).toBe(t);
    expect(uuidV7(Date.UTC(2026, 11, 4)).startsWith('01a23e59-c400-7')).toBe(true);
  });

  it('orders ids of later milliseconds after earlier ones, as text', () => {
    const ids = [5, 6, 255, 256, 4096, Date.UTC(2030, 0, 1)].map((t) => uuidV7(t));
    expect([...ids].sort()).toEqual(ids);
  });
});
