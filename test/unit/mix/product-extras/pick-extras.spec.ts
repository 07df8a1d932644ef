import fc from 'fast-check';
import { EXTRA_KINDS, ExtraKind } from '../../../../src/customers/product-extra.entity';
import {
  ExtraCandidate,
  extrasOptions,
  ExtrasOptions,
  pickExtras,
} from '../../../../src/mix/product-extras/pick-extras';

const extra = (sku: string, kind: ExtraKind, price = 10): ExtraCandidate => ({
  sku,
  name: `${sku} name`,
  kind,
  price,
  currency: 'EUR',
  url: `https://shop.example.com/p/${sku}`,
});

const all: ExtrasOptions = { kinds: EXTRA_KINDS, max: 20, excludeOwned: true };
const none = new Set<string>();
const skus = (picked: ExtraCandidate[]) => picked.map((e) => e.sku);

const CASE = extra('CASE-14', 'accessory', 39);
const WARRANTY = extra('CARE-3Y', 'warranty', 149);
const SETUP = extra('SETUP', 'service');
const RAM = extra('RAM-32', 'upgrade');
const INK = extra('INK-BLK', 'consumable', 19);

describe('extrasOptions', () => {
  it('defaults to every kind, at most 3, owned ones left out', () => {
    expect(extrasOptions({})).toEqual({ kinds: EXTRA_KINDS, max: 3, excludeOwned: true });
  });

  it('takes what the rule says', () => {
    expect(extrasOptions({ extras: { kinds: ['warranty'], max: 1, excludeOwned: false } })).toEqual(
      { kinds: ['warranty'], max: 1, excludeOwned: false },
    );
  });
});

describe('pickExtras', () => {
  it('keeps catalogue order and copies every field the template shows', () => {
    const picked = pickExtras([CASE, WARRANTY, SETUP], none, none, all);
    expect(picked).toEqual([CASE, WARRANTY, SETUP]);
    expect(picked[0]).not.toBe(CASE);
  });

  it('keeps only the kinds the rule asks for', () => {
    const picked = pickExtras([CASE, WARRANTY, SETUP, RAM, INK], none, none, {
      ...all,
      kinds: ['warranty', 'consumable'],
    });
    expect(skus(picked)).toEqual(['CARE-3Y', 'INK-BLK']);
  });

  it('leaves out what the customer owns', () => {
    expect(skus(pickExtras([CASE, WARRANTY], new Set(['CASE-14']), none, all))).toEqual([
      'CARE-3Y',
    ]);
  });

  it('leaves out an owned consumable too, unless excludeOwned is false', () => {
    const owned = new Set(['INK-BLK', 'CASE-14']);
    expect(skus(pickExtras([CASE, INK], owned, none, all))).toEqual([]);
    // excludeOwned: false re-offers what runs out, never a second case.
    expect(skus(pickExtras([CASE, INK], owned, none, { ...all, excludeOwned: false }))).toEqual([
      'INK-BLK',
    ]);
  });

  it('leaves out what was offered lately, whatever excludeOwned says', () => {
    const recent = new Set(['CARE-3Y', 'INK-BLK']);
    expect(
      skus(pickExtras([CASE, WARRANTY, INK], none, recent, { ...all, excludeOwned: false })),
    ).toEqual(['CASE-14']);
  });

  it('offers an extra two products share once, at its first place', () => {
    expect(skus(pickExtras([CASE, WARRANTY, CASE, SETUP, WARRANTY], none, none, all))).toEqual([
      'CASE-14',
      'CARE-3Y',
      'SETUP',
    ]);
  });

  it('takes a shared extra listed under a kind the rule wants, even if listed first under another', () => {
    const asUpgrade = { ...CASE, kind: 'upgrade' as const };
    const picked = pickExtras([asUpgrade, WARRANTY, CASE], none, none, {
      ...all,
      kinds: ['accessory', 'warranty'],
    });
    expect(picked.map((e) => [e.sku, e.kind])).toEqual([
      ['CARE-3Y', 'warranty'],
      ['CASE-14', 'accessory'],
    ]);
  });

  it('stops at max, counting only what it offers', () => {
    const owned = new Set(['CASE-14']);
    expect(skus(pickExtras([CASE, WARRANTY, SETUP, RAM], owned, none, { ...all, max: 2 }))).toEqual(
      ['CARE-3Y', 'SETUP'],
    );
  });

  it('offers nothing when nothing is left', () => {
    expect(pickExtras([], none, none, all)).toEqual([]);
    expect(pickExtras([CASE, WARRANTY], new Set(['CASE-14', 'CARE-3Y']), none, all)).toEqual([]);
  });

  it('holds its promises on any input', () => {
    const sku = fc.constantFrom<string>('A', 'B', 'C', 'D', 'E', 'F');
    const candidate = fc.record({
      sku,
      kind: fc.constantFrom(...EXTRA_KINDS),
      price: fc.integer({ min: 0, max: 500 }),
    });
    fc.assert(
      fc.property(
        fc.array(candidate, { maxLength: 15 }),
        fc.uniqueArray(sku),
        fc.uniqueArray(sku),
        fc.subarray([...EXTRA_KINDS], { minLength: 1 }),
        fc.integer({ min: 1, max: 20 }),
        fc.boolean(),
        (raw, ownedList, recentList, kinds, max, excludeOwned) => {
          const candidates = raw.map((c) => extra(c.sku, c.kind, c.price));
          const owned = new Set(ownedList);
          const recent = new Set(recentList);
          const options = { kinds, max, excludeOwned };
          const picked = pickExtras(candidates, owned, recent, options);
          expect(picked.length).toBeLessThanOrEqual(max);
          expect(new Set(skus(picked)).size).toBe(picked.length);
          for (const p of picked) {
            expect(kinds).toContain(p.kind);
            expect(recent.has(p.sku)).toBe(false);
            if (owned.has(p.sku)) expect(!excludeOwned && p.kind === 'consumable').toBe(true);
          }
          // In candidate order: each pick is the first eligible listing of its SKU.
          const positions = picked.map((p) =>
            candidates.findIndex((c) => c.sku === p.sku && c.kind === p.kind),
          );
          expect([...positions].sort((a, b) => a - b)).toEqual(positions);
          // Nothing eligible was passed over while there was room.
          if (picked.length < max) {
            const eligible = candidates.filter(
              (c) =>
                kinds.includes(c.kind) &&
                !recent.has(c.sku) &&
                (!owned.has(c.sku) || (!excludeOwned && c.kind === 'consumable')),
            );
            expect(new Set(skus(picked))).toEqual(new Set(eligible.map((c) => c.sku)));
          }
        },
      ),
    );
  });
});
