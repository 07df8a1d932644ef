import { Clock } from '../../../../src/common/clock';
import { readDefaultTemplates } from '../../../../src/messaging/templates/default-templates.loader';
import { TemplateEnvironment } from '../../../../src/messaging/templates/handlebars-env';
import { productExtrasExampleRule as rule } from '../../../../src/mix/product-extras/example-rule';
import { ProductExtrasMixModule } from '../../../../src/mix/product-extras/product-extras.mix-module';
import { MixModuleRegistry } from '../../../../src/rules/engine/mix-module-registry';
import { createRuleSchema } from '../../../../src/rules/rule.schema';
import { validateRule } from '../../../../src/rules/validate-rule';

describe('the product-extras example rule', () => {
  const env = new TemplateEnvironment();
  const defaults = readDefaultTemplates(env);
  const mixModule = new ProductExtrasMixModule(new MixModuleRegistry(), new Clock());

  it('has the shape the rules API accepts, unchanged by its defaults', () => {
    expect(rule.module).toBe('product-extras');
    expect(createRuleSchema.parse(JSON.parse(JSON.stringify(rule)))).toEqual(rule);
  });

  it('passes every check the rules API makes when it is saved, with the default template', async () => {
    const errors = await validateRule(rule, {
      module: mixModule,
      findTemplate: (key) => {
        const found = defaults.find((d) => d.key === key);
        return Promise.resolve(
          found
            ? { ...found, version: 1, text: null, createdBy: 'default', createdAt: new Date() }
            : null,
        );
      },
      partials: env.partialNames.filter((name) => name !== 'layout'),
    });
    expect(errors).toEqual([]);
  });
});
