import { ApiBody } from '@nestjs/swagger';
import { PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { validationProblem } from '../problem/problem';
import { toFieldErrors } from './zod-errors';

/** A pipe that parses a value with a zod schema or throws a 422 naming every failing field. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  /** `path` prefixes error paths: use it for route and query parameters. */
  constructor(
    private readonly schema: S,
    private readonly path: readonly PropertyKey[] = [],
  ) {}

  transform(value: unknown): z.infer<S> {
    const parsed = this.schema.safeParse(value ?? (this.path.length ? undefined : {}));
    if (!parsed.success) throw validationProblem(toFieldErrors(parsed.error, this.path));
    return parsed.data;
  }
}

/** The OpenAPI schema of a zod schema, so docs and validation cannot disagree. */
export function openApiSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    unrepresentable: 'any',
    io: 'input',
  });
}

/** Documents a request body from the same zod schema that validates it. */
export const ApiZodBody = (schema: z.ZodType, description?: string) =>
  ApiBody({ schema: openApiSchema(schema), description });
