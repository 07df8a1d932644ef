import { readDefaultTemplates } from '../../src/messaging/templates/default-templates.loader';
import { TemplateEnvironment } from '../../src/messaging/templates/handlebars-env';

/**
 * The template lookups `validateRule` makes when a rule is saved, answered from the default
 * templates as a fresh install has them (each at version 1), with the partials a template
 * may use (every one but the layout).
 */
export function defaultTemplateLookup() {
  const env = new TemplateEnvironment();
  const defaults = readDefaultTemplates(env);
  return {
    findTemplate: (key: string) => {
      const found = defaults.find((d) => d.key === key);
      return Promise.resolve(
        found
          ? { ...found, version: 1, text: null, createdBy: 'default', createdAt: new Date() }
          : null,
      );
    },
    partials: env.partialNames.filter((name) => name !== 'layout'),
  };
}
