import 'reflect-metadata';
import { createHttpApp, exitAfterShutdownTimeout } from './bootstrap';
import { ConfigError, loadConfig } from './config/app-config';

/** `npm start` (api and worker in one process) and `npm run start:api` (APP_ROLE=api). */
async function main() {
  const config = loadConfig(process.env);
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
