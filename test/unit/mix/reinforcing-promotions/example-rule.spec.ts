import { readDefaultTemplates } from '../../../../src/messaging/templates/default-templates.loader';
import { TemplateEnvironment } from '../../../../src/messaging/templates/handlebars-env';
import { reinforcingPromotionsExampleRule as rule } from '../../../../src/mix/reinforcing-promotions/example-rule';
import { ReinforcingPromotionsMixModule } from '../../../../src/mix/reinforcing-promotions/reinforcing-promotions.mix-module';
import { MixModuleRegistry } from '../../../../src/rules/engine/mix-module-registry';
import { createRuleSchema } from '../../../../src/rules/rule.schema';
import { validateRule } from '../../../../src/rules/validate-rule';

describe('the reinforcing-promotions example rule', () => {
  const env = new TemplateEnvironment();
  const defaults = readDefaultTemplates(env);
  const mixModule = new ReinforcingPromotionsMixModule(new MixModuleRegistry());

  it('has the shape the rules API accepts, unchanged by its defaults', () => {
    expect(rule.module).toBe('reinforcing-promotions');
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
