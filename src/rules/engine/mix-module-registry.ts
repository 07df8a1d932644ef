import { Injectable } from '@nestjs/common';
import type { RuleModule } from '../rule.schema';
import type { MixModule } from './mix-module';

/**
 * The four mix modules, as the engine finds them. Each module's Nest module registers its
 * `MixModule` here when it starts (`onModuleInit`), so the engine depends on none of them.
 */
@Injectable()
export class MixModuleRegistry {
  private readonly modules = new Map<RuleModule, MixModule>();

  register(module: MixModule) {
    this.modules.set(module.name, module);
  }

  get(name: RuleModule): MixModule {
    const found = this.modules.get(name);
    if (!found) throw new Error(`mix module ${name} is not registered`);
    return found;
  }

  all(): MixModule[] {
    return [...this.modules.values()];
  }

  has(name: RuleModule) {
    return this.modules.has(name);
  }
}
