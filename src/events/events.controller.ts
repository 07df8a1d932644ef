import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConflictResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Roles } from '../common/auth/auth.decorators';
import { notFound, ProblemException, validationProblem } from '../common/problem/problem';
import { ApiValidationResponses } from '../common/validation/api-responses';
import { openApiSchema, ZodPipe } from '../common/validation/zod-body';
import { toFieldErrors } from '../common/validation/zod-errors';
import { EventIngestionService } from './event-ingestion.service';
import { eventId, eventSchema, validateEvent, ValidEvent } from './event.schemas';

export const MAX_BATCH = 1000;

const batchEnvelope = z.strictObject({
  events: z
    .array(z.unknown())
    .min(1, 'must hold at least one event')
    .max(MAX_BATCH, `at most ${MAX_BATCH} events per call`),
});

@ApiTags('events')
@Controller('v1/events')
export class EventsController {
  constructor(
    private readonly ingestion: EventIngestionService,
    private readonly db: DataSource,
  ) {}

  @Post()
  @Roles('ingest')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Send one event (ingest)',
    description:
      'The event id is an idempotency key: the same id again answers `duplicate` and changes nothing. ' +
      'Known types (order.placed, order.delivered, order.cancelled, order.returned, customer.churned) have a checked shape; any other type is a custom event. ' +
      'An unknown customer needs a `customer` profile in the event (422 otherwise); an erased one gets 409.',
  })
  @ApiBody({ schema: openApiSchema(eventSchema) })
  @ApiAcceptedResponse({ description: '{ id, status: "accepted" | "duplicate" }' })
  @ApiConflictResponse({ description: 'The customer was erased (problem+json)' })
  @ApiValidationResponses()
  async send(@Body() body: unknown) {
    const validation = validateEvent(body);
    if (!validation.ok) throw validationProblem(validation.errors);
    const [outcome] = await this.ingestion.ingest([validation.event]);
    if (outcome.status === 'rejected') {
      if (outcome.httpStatus === 409) {
        throw new ProblemException(
          HttpStatus.CONFLICT,
          'conflict',
          'Conflict',
          outcome.detail,
          outcome.errors,
        );
      }
      throw validationProblem(outcome.errors, outcome.detail);
    }
    return { id: validation.event.id, status: outcome.status };
  }

  @Post('batch')
  @Roles('ingest')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: `Send up to ${MAX_BATCH} events (ingest)`,
    description:
      'Each event is checked on its own: good ones are stored (in one transaction), bad ones are listed in `rejected` with their index and errors.',
  })
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        events: { type: 'array', maxItems: MAX_BATCH, items: openApiSchema(eventSchema) },
      },
    },
  })
  @ApiAcceptedResponse({
    description: '{ accepted, duplicates, rejected: [{ index, id?, errors }] }',
  })
  @ApiValidationResponses()
  async batch(@Body() body: unknown) {
    const envelope = batchEnvelope.safeParse(body);
    if (!envelope.success) throw validationProblem(toFieldErrors(envelope.error));
    const rejected: { index: number; id?: string; errors: { path: string; message: string }[] }[] =
      [];
    const valid: { index: number; event: ValidEvent }[] = [];
    const now = new Date();
    envelope.data.events.forEach((item, index) => {
      const validation = validateEvent(item, now);
      if (validation.ok) valid.push({ index, event: validation.event });
      else {
        const id = (item as { id?: unknown } | null)?.id;
        rejected.push({
          index,
          ...(typeof id === 'string' ? { id } : {}),
          errors: validation.errors,
        });
      }
    });
    const outcomes = await this.ingestion.ingest(valid.map((v) => v.event));
    let accepted = 0;
    let duplicates = 0;
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'accepted') accepted++;
      else if (outcome.status === 'duplicate') duplicates++;
      else rejected.push({ index: valid[i].index, id: valid[i].event.id, errors: outcome.errors });
    });
    rejected.sort((a, b) => a.index - b.index);
    return { accepted, duplicates, rejected };
  }

  @Get(':id')
  @Roles('ingest', 'support')
  @ApiOperation({ summary: 'An event and where it is in the pipeline (ingest, support)' })
  async get(@Param('id', new ZodPipe(eventId, ['id'])) id: string) {
    const [row] = await this.db.query<
      {
        id: string;
        type: string;
        customer_external_id: string;
        occurred_at: Date;
        received_at: Date;
        properties: Record<string, unknown>;
        source: string;
        enqueued_at: Date | null;
        evaluated_at: Date | null;
      }[]
    >(
      `SELECT e.id, e.type, c.external_id AS customer_external_id, e.occurred_at, e.received_at,
              e.properties, e.source, e.enqueued_at, e.evaluated_at
         FROM events e JOIN customers c ON c.id = e.customer_id WHERE e.id = $1`,
      [id],
    );
    if (!row) throw notFound(`event ${id}`);
    return {
      id: row.id,
      type: row.type,
      customerId: row.customer_external_id,
      occurredAt: row.occurred_at,
      receivedAt: row.received_at,
      properties: row.properties,
      source: row.source,
      enqueuedAt: row.enqueued_at,
      evaluatedAt: row.evaluated_at,
    };
  }
}
