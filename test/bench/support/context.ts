import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { formatProfile, newestProfile } from './cpu-profile';
import { Deferred } from './deferred';
import { BenchContext, BenchSection, StartServiceOptions } from './section';
import { freePort, RunningService, startService } from './service';

export interface RunOptions {
  root: string;
  outDir: string;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  cpuProfile: boolean;
  /** Extra environment for every service (BENCH_ENV_NAME=value), after the section's own. */
  serviceOverrides: Record<string, string>;
}

/**
 * What a section gets to work with. Every service it starts is stopped at the end of the
 * section whatever happens; with `cpuProfile` its CPU profile is summarized when it stops.
 */
export function contextFor(
  section: BenchSection,
  options: RunOptions,
  deferred: Deferred,
): BenchContext {
  const adminApiKey = randomBytes(24).toString('hex');
  const tokenSecret = randomBytes(32).toString('hex');
  const say = (line: string) => console.log(`[${section.name}] ${line}`);

  const start = async (service: StartServiceOptions): Promise<RunningService> => {
    if (deferred.closed) throw new Error('interrupted');
    const profileDir = join(options.outDir, 'profiles', service.name);
    if (options.cpuProfile) {
      rmSync(profileDir, { recursive: true, force: true });
      mkdirSync(profileDir, { recursive: true });
    }
    const running = await startService({
      root: options.root,
      role: service.role,
      logFile: join(options.outDir, `${service.name}.log`),
      nodeArgs: options.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
      env: {
        // As deployed, so with what production requires (the config refuses to boot without).
        NODE_ENV: 'production',
        TOKEN_SECRET: tokenSecret,
        COMPANY_NAME: 'Bench Co',
        COMPANY_POSTAL_ADDRESS: '1 Bench Street, 75001 Paris',
        DATABASE_URL: options.databaseUrl,
        REDIS_URL: options.redisUrl,
        QUEUE_PREFIX: options.queuePrefix,
        PORT: String(await freePort()),
        ADMIN_API_KEY: adminApiKey,
        LOG_LEVEL: 'warn',
        ...service.env,
        ...options.serviceOverrides,
      },
    });
    const overrides = Object.entries(options.serviceOverrides).map(([k, v]) => `${k}=${v}`);
    say(
      `started ${service.name} (APP_ROLE=${service.role}, pid ${running.pid}) ${running.baseUrl}` +
        (overrides.length ? ` with ${overrides.join(' ')}` : ''),
    );
    let stopping: Promise<void> | undefined;
    // Whoever calls first stops it; everyone waits until it has.
    const stop = (graceMs?: number) =>
      (stopping ??= (async () => {
        await running.stop(graceMs);
        const profile = options.cpuProfile ? newestProfile(profileDir) : undefined;
        if (profile) console.log(formatProfile(profile));
      })());
    deferred.add(() => stop());
    return { ...running, stop };
  };

  return {
    root: options.root,
    outDir: options.outDir,
    databaseUrl: options.databaseUrl,
    redisUrl: options.redisUrl,
    queuePrefix: options.queuePrefix,
    adminApiKey,
    cpuProfile: options.cpuProfile,
    log: say,
    startService: start,
    defer: (action) => deferred.add(action),
  };
}
