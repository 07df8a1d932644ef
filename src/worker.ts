import 'reflect-metadata';
import { createWorkerContext, exitAfterShutdownTimeout } from './bootstrap';
import { ConfigError, loadConfig } from './config/app-config';

/** `npm run start:worker`: queue processors and relays only. Run as many as you like. */
async function main() {
  const config = loadConfig(process.env);
  await createWorkerContext({ ...config, role: 'worker' });
  exitAfterShutdownTimeout(config);
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
