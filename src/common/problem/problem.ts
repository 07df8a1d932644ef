import { HttpException, HttpStatus } from '@nestjs/common';

/** One failing field of a request: `path` is dotted with [index] for arrays, e.g. `items[0].sku`. */
export interface FieldError {
  path: string;
  message: string;
}

/** RFC 9457 problem details, the only error shape the API answers with. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * An error that carries its problem details. Throw it anywhere; the global filter renders it.
 * `type` is a stable, documented slug so clients can branch on it.
 */
export class ProblemException extends HttpException {
  constructor(
    status: HttpStatus,
    readonly slug: string,
    readonly title: string,
    detail: string,
    readonly errors?: FieldError[],
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail, status);
  }
}

export const validationProblem = (errors: FieldError[], detail?: string) =>
  new ProblemException(
    HttpStatus.UNPROCESSABLE_ENTITY,
    'validation-failed',
    'Validation failed',
    detail ?? errors.map((e) => `${e.path}: ${e.message}`).join('; '),
    errors,
  );

export const notFound = (what: string) =>
  new ProblemException(HttpStatus.NOT_FOUND, 'not-found', 'Not found', `${what} was not found`);

export const conflict = (detail: string) =>
  new ProblemException(HttpStatus.CONFLICT, 'conflict', 'Conflict', detail);
