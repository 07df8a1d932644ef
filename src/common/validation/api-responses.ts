import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiPayloadTooLargeResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';

const problemSchema = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

/** The errors every endpoint with a body can answer, documented once. */
export const ApiValidationResponses = () =>
  applyDecorators(
    ApiBadRequestResponse({ description: 'Malformed JSON (problem+json)', schema: problemSchema }),
    ApiUnprocessableEntityResponse({
      description: 'Invalid fields, each named in `errors` (problem+json)',
      schema: problemSchema,
    }),
    ApiPayloadTooLargeResponse({
      description: 'Body over 1 MB (problem+json)',
      schema: problemSchema,
    }),
  );
