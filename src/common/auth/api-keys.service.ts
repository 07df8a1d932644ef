import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { ApiKeyEntity } from './api-key.entity';
import { generateKey, hashKey, keyPrefix, sameHash } from './api-key-secret';
import { Principal } from './principal';
import { Role } from './roles';

const CACHE_TTL_MS = 5_000;

/**
 * Issues, revokes and resolves API keys. Lookups are cached for a few seconds per process;
 * a revocation clears this process's cache at once and reaches other processes within 5 s.
 */
@Injectable()
export class ApiKeysService {
  private readonly cache = new Map<string, { principal: Principal | null; until: number }>();
  private readonly bootstrapHash: string | undefined;

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.bootstrapHash = config.adminApiKey ? hashKey(config.adminApiKey) : undefined;
  }

  async create(input: { name: string; role: Role; ownerEmail?: string | null }) {
    const key = generateKey();
    const entity = this.db.getRepository(ApiKeyEntity).create({
      id: randomUUID(),
      name: input.name,
      role: input.role,
      ownerEmail: input.ownerEmail ?? null,
      keyHash: hashKey(key),
      keyPrefix: keyPrefix(key),
    });
    const saved = await this.db.getRepository(ApiKeyEntity).save(entity);
    return { key, entity: saved };
  }

  list() {
    return this.db
      .getRepository(ApiKeyEntity)
      .find({ where: { revokedAt: IsNull() }, order: { createdAt: 'ASC' } });
  }

  /** Returns false when no active key has this id. */
  async revoke(id: string): Promise<boolean> {
    const result = await this.db
      .getRepository(ApiKeyEntity)
      .update({ id, revokedAt: IsNull() }, { revokedAt: new Date() });
    this.cache.clear();
    return (result.affected ?? 0) > 0;
  }

  async resolve(key: string): Promise<Principal | null> {
    const hash = hashKey(key);
    if (this.bootstrapHash && sameHash(hash, this.bootstrapHash)) {
      return { keyId: 'bootstrap', name: 'ADMIN_API_KEY', role: 'admin', ownerEmail: null };
    }
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) return cached.principal;
    const row = await this.db
      .getRepository(ApiKeyEntity)
      .findOne({ where: { keyHash: hash, revokedAt: IsNull() } });
    const principal: Principal | null = row
      ? { keyId: row.id, name: row.name, role: row.role, ownerEmail: row.ownerEmail }
      : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { principal, until: now + CACHE_TTL_MS });
    return principal;
  }
}
