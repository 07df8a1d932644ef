import { loadConfig } from '../../../../src/config/app-config';
import { postPurchaseExampleRule as rule } from '../../../../src/mix/post-purchase/example-rule';
import { PostPurchaseMixModule } from '../../../../src/mix/post-purchase/post-purchase.mix-module';
import { MixModuleRegistry } from '../../../../src/rules/engine/mix-module-registry';
import { createRuleSchema } from '../../../../src/rules/rule.schema';
import { validateRule } from '../../../../src/rules/validate-rule';
import { defaultTemplateLookup } from '../../../support/default-template-lookup';

describe('the post-purchase example rule', () => {
  const templates = defaultTemplateLookup();
  const registry = new MixModuleRegistry();
  const mixModule = new PostPurchaseMixModule(registry, loadConfig({}));

  it('is "3 days after delivery, ask how it is going", with a check-in', () => {
    expect(rule).toMatchObject({
      module: 'post-purchase',
      trigger: { type: 'event', event: 'order.delivered' },
      delay: 'P3D',
      action: { type: 'email', template: 'post-purchase.check-in', to: 'customer', checkIn: true },
    });
  });

  it('has the shape the rules API accepts, unchanged by its defaults', () => {
    expect(createRuleSchema.parse(JSON.parse(JSON.stringify(rule)))).toEqual(rule);
  });

  it('passes every check the rules API makes when it is saved, with the default template', async () => {
    const errors = await validateRule(rule, {
      module: mixModule,
      ...templates,
    });
    expect(errors).toEqual([]);
  });

  it('would be refused without checkIn: the default template uses the check-in links', async () => {
    const withoutCheckIn = { ...rule, action: { ...rule.action, checkIn: false } };
    const errors = await validateRule(withoutCheckIn, {
      module: mixModule,
      ...templates,
    });
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error).toEqual({
        path: 'action.template',
        message: expect.stringMatching(/unknown name "checkIn"/),
      });
    }
  });

  it('registers the module with the engine under its name when Nest starts it', () => {
    mixModule.onModuleInit();
    expect(registry.get('post-purchase')).toBe(mixModule);
    expect(mixModule).toMatchObject({
      messageKind: 'check-in',
      messageClass: 'service',
      spendsMoney: false,
    });
  });
});
