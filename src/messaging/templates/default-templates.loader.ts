import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseTemplateFile, readTemplateFolder, TemplateEnvironment } from './handlebars-env';
import { checkTemplate } from './template-check';
import { TemplateStore } from './template-store';

/** Template keys: `<module>.<name>`, e.g. `post-purchase.check-in`. */
export const TEMPLATE_KEY_PATTERN = /^[a-z0-9.-]+$/;

/** Folders of `templates/` that hold something other than email templates. */
const NOT_EMAIL_FOLDERS = new Set(['partials', 'pages']);

export interface DefaultTemplate {
  key: string;
  /** Relative to templates/, for messages. */
  file: string;
  subject: string;
  html: string;
}

/**
 * The shipped email templates: `templates/<module>/<name>.hbs` with a `subject:` front
 * matter, as key `<module>.<name>`. Throws on a file that is not a valid template, naming it:
 * a broken default is a bug to see at boot, not when the first message is sent.
 */
export function readDefaultTemplates(env: TemplateEnvironment): DefaultTemplate[] {
  const folders = readdirSync(env.dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !NOT_EMAIL_FOLDERS.has(entry.name))
    .map((entry) => entry.name)
    .sort();
  const out: DefaultTemplate[] = [];
  for (const folder of folders) {
    for (const [name, source] of Object.entries(readTemplateFolder(join(env.dir, folder)))) {
      const key = `${folder}.${name}`;
      const file = `${folder}/${name}.hbs`;
      const fail = (problem: string) => new Error(`templates/${file}: ${problem}`);
      if (!TEMPLATE_KEY_PATTERN.test(key)) throw fail(`key ${key} is not [a-z0-9.-]+`);
      let parsed;
      try {
        parsed = parseTemplateFile(source, ['subject']);
      } catch (error) {
        throw fail((error as Error).message);
      }
      const subject = parsed.attributes.subject;
      if (!subject) throw fail('no "subject:" in the front matter');
      const errors = checkTemplate(
        { subject, html: parsed.body },
        { partials: env.partialNames.filter((p) => p !== 'layout') },
      );
      if (errors.length > 0) {
        throw fail(errors.map((e) => `${e.path} ${e.message}`).join('; '));
      }
      out.push({ key, file, subject, html: parsed.body });
    }
  }
  return out;
}

/**
 * At bootstrap, stores each default template as version 1 of its key when the key has no
 * version yet. Idempotent and safe when several processes boot at once; a marketer's later
 * versions are never touched.
 */
@Injectable()
export class DefaultTemplatesLoader implements OnApplicationBootstrap {
  private readonly logger = new Logger(DefaultTemplatesLoader.name);

  constructor(
    private readonly store: TemplateStore,
    @Inject(TemplateEnvironment) private readonly env: TemplateEnvironment,
  ) {}

  async onApplicationBootstrap() {
    await this.load();
  }

  /** Returns the keys it added. */
  async load(): Promise<string[]> {
    const added: string[] = [];
    for (const template of readDefaultTemplates(this.env)) {
      const inserted = await this.store.addFirstVersion(
        template.key,
        { subject: template.subject, html: template.html, text: null },
        'default',
      );
      if (inserted) added.push(template.key);
    }
    if (added.length > 0) this.logger.log(`Default templates added: ${added.join(', ')}`);
    return added;
  }
}
