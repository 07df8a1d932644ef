import type { ExtraKind } from '../../../../src/customers/product-extra.entity';
import type { ExtrasFacts } from '../../../../src/mix/product-extras/extras-facts';
import { extrasOptions, ExtraCandidate } from '../../../../src/mix/product-extras/pick-extras';
import { OfferEntry, planOffers } from '../../../../src/mix/product-extras/plan-offers';

const extra = (sku: string, kind: ExtraKind): ExtraCandidate => ({
  sku,
  name: sku.toLowerCase(),
  kind,
  price: 20,
  currency: 'USD',
  url: null,
});

function facts(partial: Partial<ExtrasFacts> = {}): ExtrasFacts {
  return {
    owned: new Map(),
    kept: new Map(),
    pastOffers: new Map(),
    extrasOf: new Map([
      ['LAPTOP', [extra('CASE', 'accessory'), extra('CARE', 'warranty')]],
      ['PRINTER', [extra('INK', 'consumable'), extra('CARE', 'warranty')]],
      ['PHONE', [extra('COVER', 'accessory')]],
    ]),
    ...partial,
  };
}

const entry = (customerId: string, orderSkus: string[] | null, dedupeKey = `k-${customerId}`) =>
  ({ customerId, orderSkus, dedupeKey }) satisfies OfferEntry;

const offered = (prepared: ReturnType<typeof planOffers>) =>
  prepared.map((p) =>
    'skip' in p ? p.skip : (p.context.extras as ExtraCandidate[]).map((e) => e.sku),
  );

describe('planOffers', () => {
  const options = extrasOptions({});

  it("offers the extras of the triggering order's products, in line order", () => {
    const out = planOffers([entry('1', ['PHONE', 'LAPTOP'])], facts(), options);
    expect(offered(out)).toEqual([['COVER', 'CASE', 'CARE']]);
    expect(out[0]).toEqual({
      context: {
        extras: [
          { sku: 'COVER', name: 'cover', kind: 'accessory', price: 20, currency: 'USD', url: null },
          { sku: 'CASE', name: 'case', kind: 'accessory', price: 20, currency: 'USD', url: null },
          { sku: 'CARE', name: 'care', kind: 'warranty', price: 20, currency: 'USD', url: null },
        ],
      },
    });
  });

  it('without an order, offers the extras of every product kept, most recent first', () => {
    const out = planOffers(
      [entry('1', null)],
      facts({ kept: new Map([['1', ['PRINTER', 'PHONE']]]) }),
      options,
    );
    expect(offered(out)).toEqual([['INK', 'CARE', 'COVER']]);
  });

  it('skips with no_eligible_extras when the customer owns every extra', () => {
    const out = planOffers(
      [entry('1', ['LAPTOP'])],
      facts({ owned: new Map([['1', new Set(['LAPTOP', 'CASE', 'CARE'])]]) }),
      options,
    );
    expect(out).toEqual([{ skip: 'no_eligible_extras' }]);
  });

  it('skips when the products have no extras, or the customer bought nothing', () => {
    const out = planOffers([entry('1', ['SOCKS']), entry('2', null)], facts(), options);
    expect(out).toEqual([{ skip: 'no_eligible_extras' }, { skip: 'no_eligible_extras' }]);
  });

  it("counts the triggering order's products as owned even before its lines are stored", () => {
    const withCase = facts({
      extrasOf: new Map([['LAPTOP', [extra('CASE', 'accessory'), extra('BAG', 'accessory')]]]),
    });
    expect(offered(planOffers([entry('1', ['LAPTOP', 'CASE'])], withCase, options))).toEqual([
      ['BAG'],
    ]);
  });

  it("ignores the entry's own earlier message (a retry gets the same answer), not others", () => {
    const past = facts({
      pastOffers: new Map([
        [
          '1',
          [
            { dedupeKey: 'retried', skus: ['CASE', 'CARE'] },
            { dedupeKey: 'other-rule', skus: ['COVER'] },
          ],
        ],
      ]),
    });
    const out = planOffers([entry('1', ['PHONE', 'LAPTOP'], 'retried')], past, options);
    expect(offered(out)).toEqual([['CASE', 'CARE']]);
  });

  it('does not offer a customer twice in one batch what an earlier entry offers', () => {
    const out = planOffers(
      [entry('1', ['LAPTOP'], 'a'), entry('2', ['LAPTOP'], 'b'), entry('1', ['PRINTER'], 'c')],
      facts(),
      options,
    );
    expect(offered(out)).toEqual([['CASE', 'CARE'], ['CASE', 'CARE'], ['INK']]);
  });

  it('applies the rule options to every entry', () => {
    const out = planOffers(
      [entry('1', ['LAPTOP', 'PRINTER']), entry('2', ['PHONE'])],
      facts(),
      extrasOptions({ extras: { kinds: ['warranty', 'consumable'], max: 1 } }),
    );
    expect(offered(out)).toEqual([['CARE'], 'no_eligible_extras']);
  });
});
