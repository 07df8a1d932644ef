import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { requestIdOf } from '../logging/request-id';
import { sendProblem } from '../problem/problem.filter';

export const BODY_LIMIT = '1mb';

/**
 * The JSON body parser, with its failures answered as problem+json: 413 over the limit,
 * 400 for malformed JSON. Express would otherwise answer these with HTML before Nest's
 * filter ever sees them.
 */
export function jsonBody(): RequestHandler {
  const parse = express.json({ limit: BODY_LIMIT, strict: true });
  return (req: Request, res: Response, next: NextFunction) => {
    parse(req, res, (error?: unknown) => {
      if (!error) return next();
      const { status, type } = error as { status?: number; type?: string };
      const requestId = requestIdOf(req);
      const base = { instance: req.originalUrl, requestId };
      if (type === 'entity.too.large' || status === 413) {
        return sendProblem(res, {
          type: 'https://retention-mix.dev/problems/payload-too-large',
          title: 'Payload too large',
          status: 413,
          detail: `The body is over the ${BODY_LIMIT} limit; split a batch into smaller ones.`,
          ...base,
        });
      }
      if (type === 'entity.parse.failed') {
        return sendProblem(res, {
          type: 'https://retention-mix.dev/problems/malformed-json',
          title: 'Malformed JSON',
          status: 400,
          detail: `The body is not valid JSON: ${(error as Error).message}`,
          ...base,
        });
      }
      return sendProblem(res, {
        type: 'https://retention-mix.dev/problems/bad-request',
        title: 'Bad request',
        status: status && status >= 400 && status < 500 ? status : 400,
        detail: (error as Error).message,
        ...base,
      });
    });
  };
}

/** Form posts of the public pages (unsubscribe, check-in answers, RFC 8058 one-click). */
export function formBody(): RequestHandler {
  return express.urlencoded({ extended: false, limit: '16kb' });
}
