import { SPENDING_MODULES, valueTierGate } from '../../../../src/rules/eligibility';

describe('valueTierGate', () => {
  it('names the two modules that spend money', () => {
    expect([...SPENDING_MODULES].sort()).toEqual(['product-extras', 'reinforcing-promotions']);
  });

  it.each(['product-extras', 'reinforcing-promotions'])(
    'skips an unprofitable customer in %s',
    (module) => {
      expect(valueTierGate(module, 'unprofitable', false)).toEqual({
        pass: false,
        reason: 'unprofitable',
      });
    },
  );

  it.each(['product-extras', 'reinforcing-promotions'])(
    'lets an unprofitable customer into %s when the rule includes them',
    (module) => {
      expect(valueTierGate(module, 'unprofitable', true)).toEqual({ pass: true });
    },
  );

  it.each(['product-extras', 'reinforcing-promotions'])(
    'lets other tiers and an unknown tier into %s',
    (module) => {
      for (const tier of ['high', 'medium', 'low', 'gold', null]) {
        expect(valueTierGate(module, tier, false)).toEqual({ pass: true });
      }
    },
  );

  it.each(['post-purchase', 'sales-touchpoints', 'system'])(
    'never skips for tier in %s',
    (module) => {
      expect(valueTierGate(module, 'unprofitable', false)).toEqual({ pass: true });
      expect(valueTierGate(module, 'unprofitable', true)).toEqual({ pass: true });
    },
  );
});
