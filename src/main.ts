import 'reflect-metadata';
import { createHttpApp, exitAfterShutdownTimeout } from './bootstrap';
import { generateKey } from './common/auth/api-key-secret';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';

/**
 * On a developer's machine with no ADMIN_API_KEY, a key for this run only, printed once, so
 * `npm start` is usable at once. Never in production: there no admin exists until one is set.
 */
function withDevelopmentAdminKey(config: AppConfig): AppConfig {
  if (config.adminApiKey || config.env !== 'development') return config;
  const adminApiKey = generateKey();
  console.warn(
    `No ADMIN_API_KEY is set, so this run's admin key is:\n\n  ${adminApiKey}\n\n` +
      'It is forgotten when the process stops; set ADMIN_API_KEY to keep one.',
  );
  return { ...config, adminApiKey };
}

/** `npm start` (api and worker in one process) and `npm run start:api` (APP_ROLE=api). */
async function main() {
  const config = withDevelopmentAdminKey(loadConfig(process.env));
  if (config.role === 'worker') {
    throw new ConfigError(['APP_ROLE: use `npm run start:worker` (dist/worker.js) for a worker']);
  }
  const app = await createHttpApp(config);
  exitAfterShutdownTimeout(config);
  await app.listen(config.port);
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
