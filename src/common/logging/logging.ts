import type { Params } from 'nestjs-pino';
import { AppConfig } from '../../config/app-config';
import { assignRequestId } from './request-id';

/** Structured JSON logs (pino), each request's lines carrying its request id. */
export function loggerParams(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      genReqId: assignRequestId,
      // Keys must never reach a log.
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      customLogLevel: (_req, res, error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      // Health probes every few seconds would drown the useful lines.
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  };
}
