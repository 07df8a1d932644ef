import { reinforcingPromotionsExampleRule as rule } from '../../../../src/mix/reinforcing-promotions/example-rule';
import { ReinforcingPromotionsMixModule } from '../../../../src/mix/reinforcing-promotions/reinforcing-promotions.mix-module';
import { MixModuleRegistry } from '../../../../src/rules/engine/mix-module-registry';
import { createRuleSchema } from '../../../../src/rules/rule.schema';
import { validateRule } from '../../../../src/rules/validate-rule';
import { defaultTemplateLookup } from '../../../support/default-template-lookup';

describe('the reinforcing-promotions example rule', () => {
  const templates = defaultTemplateLookup();
  const mixModule = new ReinforcingPromotionsMixModule(new MixModuleRegistry());

  it('has the shape the rules API accepts, unchanged by its defaults', () => {
    expect(rule.module).toBe('reinforcing-promotions');
    expect(createRuleSchema.parse(JSON.parse(JSON.stringify(rule)))).toEqual(rule);
  });

  it('passes every check the rules API makes when it is saved, with the default template', async () => {
    const errors = await validateRule(rule, {
      module: mixModule,
      ...templates,
    });
    expect(errors).toEqual([]);
  });
});
