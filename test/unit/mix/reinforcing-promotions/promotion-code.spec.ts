import fc from 'fast-check';
import {
  BATCH_TAG_LENGTH,
  CODE_ALPHABET,
  CODE_LENGTH,
  generateCode,
  generateCodes,
  isWellFormedCode,
  normalizeCode,
} from '../../../../src/mix/reinforcing-promotions/promotion-code';

describe('promotion codes', () => {
  it('use uppercase letters and digits without the look-alikes 0 O 1 I L', () => {
    expect(CODE_ALPHABET).toMatch(/^[A-Z2-9]+$/);
    for (const ambiguous of ['0', 'O', '1', 'I', 'L'])
      expect(CODE_ALPHABET).not.toContain(ambiguous);
    expect(new Set(CODE_ALPHABET).size).toBe(CODE_ALPHABET.length);
    expect(CODE_ALPHABET).toHaveLength(31);
  });

  it('are the prefix, a dash and 8 symbols of the alphabet', () => {
    for (let i = 0; i < 1000; i++) {
      const code = generateCode('BACK15');
      expect(code).toMatch(/^BACK15-[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{8}$/);
      expect(isWellFormedCode(code)).toBe(true);
    }
    expect(CODE_LENGTH).toBe(8);
  });

  it('map each random draw to one symbol', () => {
    const draws: number[] = [];
    const code = generateCode('X', (max) => {
      expect(max).toBe(CODE_ALPHABET.length);
      draws.push(draws.length === 0 ? 0 : max - 1);
      return draws[draws.length - 1];
    });
    expect(code).toBe(`X-A${'9'.repeat(7)}`);
  });

  it('do not repeat over 200 000 draws and use every symbol about as often', () => {
    const codes = Array.from({ length: 200_000 }, () => generateCode('P'));
    expect(new Set(codes).size).toBe(codes.length);
    const counts = new Map<string, number>();
    for (const code of codes)
      for (const c of code.slice(2)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(31);
    const expected = (codes.length * CODE_LENGTH) / 31;
    for (const count of counts.values())
      expect(Math.abs(count - expected) / expected).toBeLessThan(0.05);
  });

  it('come as many as asked, all different', () => {
    const codes = generateCodes('VIP', 5000);
    expect(codes).toHaveLength(5000);
    expect(new Set(codes).size).toBe(5000);
    expect(codes.every(isWellFormedCode)).toBe(true);
    expect(generateCodes('VIP', 0)).toEqual([]);
  });

  it('of one batch share a random tag (their place in the code index) and differ after it', () => {
    const batches = Array.from({ length: 400 }, () => generateCodes('RUN', 50));
    for (const batch of batches) {
      const tags = new Set(batch.map((code) => code.slice(4, 4 + BATCH_TAG_LENGTH)));
      expect(tags.size).toBe(1);
    }
    // The tag itself is drawn per batch: 400 batches use most of the 961 tags' first symbols.
    const firstSymbols = new Set(batches.map((batch) => batch[0][4]));
    expect(firstSymbols.size).toBeGreaterThan(25);
    // After the tag, each code's symbols are its own: every symbol at every position.
    const rests = batches.flat().map((code) => code.slice(4 + BATCH_TAG_LENGTH));
    for (let position = 0; position < CODE_LENGTH - BATCH_TAG_LENGTH; position++)
      expect(new Set(rests.map((rest) => rest[position])).size).toBe(31);
  });

  it('are told apart from other text', () => {
    for (const bad of [
      'BACK15-ABCDEFG', // 7 symbols
      'BACK15-ABCDEFGHJ', // 9
      'BACK15-ABCDEFG0', // a zero
      'BACK15-ABCDEFGI',
      'back15-ABCDEFGH',
      '-ABCDEFGH',
      'ABCDEFGH',
      'TOOLONGPREFIX1-ABCDEFGH',
      'BACK 15-ABCDEFGH',
    ]) {
      expect(isWellFormedCode(bad)).toBe(false);
    }
  });

  it('are read back whatever the case and surrounding spaces', () => {
    expect(normalizeCode('  back15-abcdefgh \n')).toBe('BACK15-ABCDEFGH');
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z0-9]{1,12}$/), (prefix) => {
        const code = generateCode(prefix);
        expect(normalizeCode(` ${code.toLowerCase()} `)).toBe(code);
      }),
    );
  });
});
