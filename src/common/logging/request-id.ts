import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * The request's correlation id: the caller's `X-Request-Id` when it is sane, a new UUID
 * otherwise. Set first of all, so even a body-parser error carries it; echoed back as a
 * response header, written on every log line and into problem bodies.
 */
export function assignRequestId(
  req: IncomingMessage & { id?: unknown },
  res: ServerResponse,
): string {
  if (typeof req.id === 'string') return req.id;
  const given = req.headers[REQUEST_ID_HEADER];
  const id = typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID();
  req.id = id;
  res.setHeader('X-Request-Id', id);
  return id;
}

/** The id assigned above, or undefined before it ran. */
export const requestIdOf = (req: { id?: unknown }): string | undefined =>
  typeof req.id === 'string' ? req.id : undefined;
