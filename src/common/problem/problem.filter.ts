import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { requestIdOf } from '../logging/request-id';
import { PROBLEM_CONTENT_TYPE, ProblemDetails, ProblemException } from './problem';

const TYPE_BASE = 'https://retention-mix.dev/problems/';

const slugOf = (status: number) => (HttpStatus[status] ?? 'error').toLowerCase().replace(/_/g, '-');

/** Turns any thrown value into problem details; expected errors are not logged as errors. */
export function toProblem(exception: unknown, request: Request): ProblemDetails {
  const requestId = requestIdOf(request);
  const base = { instance: request.originalUrl, requestId };
  if (exception instanceof ProblemException) {
    return {
      type: TYPE_BASE + exception.slug,
      title: exception.title,
      status: exception.getStatus(),
      detail: exception.message,
      ...base,
      ...(exception.errors ? { errors: exception.errors } : {}),
      ...exception.extensions,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const title = HttpStatus[status]
      ? HttpStatus[status].charAt(0) + HttpStatus[status].slice(1).toLowerCase().replace(/_/g, ' ')
      : 'Error';
    const response = exception.getResponse();
    const detail =
      typeof response === 'string'
        ? response
        : typeof (response as { message?: unknown }).message === 'string'
          ? (response as { message: string }).message
          : exception.message;
    return { type: TYPE_BASE + slugOf(status), title, status, detail, ...base };
  }
  return {
    type: TYPE_BASE + 'internal-error',
    title: 'Internal server error',
    status: 500,
    detail: 'Something went wrong on our side; the request id helps us find it.',
    ...base,
  };
}

export function sendProblem(response: Response, problem: ProblemDetails) {
  response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost) {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const problem = toProblem(exception, request);
    if (problem.status >= 500) {
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    }
    if (response.headersSent) return;
    sendProblem(response, problem);
  }
}
