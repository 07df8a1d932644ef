import { Clock } from '../../../../src/common/clock';
import { productExtrasExampleRule as rule } from '../../../../src/mix/product-extras/example-rule';
import { ProductExtrasMixModule } from '../../../../src/mix/product-extras/product-extras.mix-module';
import { MixModuleRegistry } from '../../../../src/rules/engine/mix-module-registry';
import { createRuleSchema } from '../../../../src/rules/rule.schema';
import { validateRule } from '../../../../src/rules/validate-rule';
import { defaultTemplateLookup } from '../../../support/default-template-lookup';

describe('the product-extras example rule', () => {
  const templates = defaultTemplateLookup();
  const mixModule = new ProductExtrasMixModule(new MixModuleRegistry(), new Clock());

  it('has the shape the rules API accepts, unchanged by its defaults', () => {
    expect(rule.module).toBe('product-extras');
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
