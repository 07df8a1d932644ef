import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Roles } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/problem/problem';
import { ApiValidationResponses } from '../../common/validation/api-responses';
import { email, externalId } from '../../common/validation/validators';
import { ApiZodBody, ZodPipe } from '../../common/validation/zod-body';
import { MessagesService } from './messages.service';

const templateKey = z.string().regex(/^[a-z0-9.-]{1,100}$/, 'must match [a-z0-9.-]+');
const testSendSchema = z.strictObject({
  to: email,
  customerId: externalId.optional(),
  context: z.record(z.string(), z.unknown()).optional(),
});

@ApiTags('templates')
@Controller('v1/templates')
export class TestSendController {
  constructor(
    private readonly db: DataSource,
    private readonly messages: MessagesService,
  ) {}

  @Post(':key/test-send')
  @Roles('marketer')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Send the latest version of a template to an address, now (marketer)',
    description:
      'Rendered for the given customer (by external id) and/or context, delivered through the normal pipeline as a service message to `to`. Answers with the message id to follow it at GET /v1/messages/{id}.',
  })
  @ApiZodBody(testSendSchema)
  @ApiAcceptedResponse({ description: '{ messageId }' })
  @ApiValidationResponses()
  async testSend(
    @Param('key', new ZodPipe(templateKey, ['key'])) key: string,
    @Body(new ZodPipe(testSendSchema)) body: z.infer<typeof testSendSchema>,
  ) {
    const [template] = await this.db.query<{ key: string }[]>(
      'SELECT key FROM template_versions WHERE key = $1 LIMIT 1',
      [key],
    );
    if (!template) throw notFound(`template ${key}`);
    let customerId: string | null = null;
    if (body.customerId) {
      const [customer] = await this.db.query<{ id: string }[]>(
        'SELECT id FROM customers WHERE external_id = $1',
        [body.customerId],
      );
      if (!customer) throw notFound(`customer ${body.customerId}`);
      customerId = customer.id;
    }
    const [message] = await this.messages.schedule([
      {
        dedupeKey: `test-send.${randomUUID()}`,
        customerId,
        recipient: body.to,
        module: 'system',
        kind: 'test',
        class: 'service',
        priority: 100,
        templateKey: key,
        context: body.context ?? {},
        sendAt: new Date(),
      },
    ]);
    return { messageId: message.id };
  }
}
