import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { mountBullBoard } from './common/http/bull-board';
import { formBody, jsonBody } from './common/http/json-body';
import { setupOpenApi } from './common/http/openapi';
import { assignRequestId } from './common/logging/request-id';
import { AppConfig } from './config/app-config';

/** Builds the HTTP application (role `api` or `all`) without listening; tests use it too. */
export async function createHttpApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.use((req: Request, res: Response, next: NextFunction) => {
    assignRequestId(req, res);
    next();
  });
  app.use(jsonBody());
  app.use(formBody());
  app.enableShutdownHooks();
  setupOpenApi(app);
  mountBullBoard(app);
  return app;
}

/** Builds a worker-only application context: queue processors and relays, no HTTP. */
export async function createWorkerContext(config: AppConfig): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, 'worker'), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  return app;
}

/**
 * SIGTERM: Nest's shutdown hooks stop the HTTP server from taking requests, let workers
 * finish the jobs in flight and close connections. This timer is the backstop if a job
 * hangs: the process exits anyway and BullMQ's stalled-job check hands the job to another.
 */
export function exitAfterShutdownTimeout(config: AppConfig) {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref();
    });
  }
}
